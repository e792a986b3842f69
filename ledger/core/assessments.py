"""The monitoring team's own findings: recorded (`assess`), read by a second reader (`review`),
withdrawn or corrected, and the one in force for an obligation on a day (`finding_for`). Kept
apart from evidence: a finding never counts as a party's word in a status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ledger.core.counting import counts_from, retracted_ids
from ledger.core.dates import canonical_period, end_day, format_timestamp, recorded_day
from ledger.core.digests import sealed
from ledger.core.entry_edits import by_id_prefix, resolve_evidence
from ledger.core.errors import InvalidValue, LedgerError
from ledger.core.lookalike import name_key
from ledger.core.model import Agreement, Assessment, Ledger, Review
from ledger.core.naming import id_named, party_names
from ledger.core.references import obligations_ever
from ledger.core.words import Finding, ReviewAction


@dataclass(frozen=True)
class Standing:
    """Where an assessment stands: `draft` until reviewed, then as its latest review says
    (`approved`, `rejected`), `withdrawn` for good once withdrawn."""

    state: str
    reviewed_by: str | None = None
    review: Review | None = None


DRAFT = "draft"


def standings(ledger: Ledger) -> dict[str, Standing]:
    """Each assessment's standing, from its reviews in the order recorded."""
    found = {assessment.id: Standing(DRAFT) for assessment in ledger.assessments}
    for review in sorted(ledger.reviews, key=lambda review: (review.recorded_at, review.id)):
        held = found.get(review.assessment)
        if held is None or held.state == ReviewAction.WITHDRAWN:
            continue
        found[review.assessment] = Standing(review.action.value, review.recorded_by
                                            if review.action is not ReviewAction.WITHDRAWN
                                            else held.reviewed_by, review)
    return found


def resolve_assessment(ledger: Ledger, prefix: str) -> Assessment:
    """The assessment whose id starts with `prefix` (`entry_edits.by_id_prefix`)."""
    return by_id_prefix(ledger.assessments, prefix, "assessment", "assessments")


def assess(ledger: Ledger, *, term: str, party: str, period: str, finding: Finding | str,
           rationale: str, evidence: Iterable[str] = (), level: int | None = None,
           recorded_at: datetime, recorded_by: str | None = None,
           corrects: str | None = None) -> tuple[Ledger, Assessment]:
    """Record a finding on one obligation for one period, a draft until reviewed.

    Refused: an unknown term, a party it never binds, a period not over by the day it is
    recorded, an empty rationale, no evidence (unless the finding is `unverifiable`), and an
    entry that is of another term or party, retracted, or not counted by the period's end."""
    id_named("term", "term", term, [known.id for known in ledger.terms])
    party = id_named("party", "party", party, [known.id for known in ledger.parties],
                     party_names(ledger))
    if (term, party) not in obligations_ever(ledger):
        raise InvalidValue("party", f"{party!r} is not an obligor of term {term!r}")
    try:
        kept = canonical_period(period)
    except ValueError as error:
        raise InvalidValue("period", str(error)) from None
    last = end_day(kept)
    recorded_on = recorded_day(format_timestamp(recorded_at))
    if last > recorded_on:
        raise InvalidValue("period", f"{kept} has not ended (it ends {last}): a finding is on "
                           "a period that is over")
    try:
        kind = Finding(finding)
    except ValueError:
        raise InvalidValue("finding", f"{finding!r} is not one of "
                           f"{', '.join(word.value for word in Finding)}") from None
    if not rationale.strip():
        raise InvalidValue("rationale", "required: say why, in words a reader can check")
    cited = _cited(ledger, list(evidence), term, party, last)
    if not cited and kind is not Finding.UNVERIFIABLE:
        raise InvalidValue("evidence", "give at least one entry the finding rests on (only "
                           "an unverifiable finding may rest on none)")
    draft = Assessment(id="0" * 12, term=term, party=party, period=kept, finding=kind,
                       level=level, rationale=rationale, evidence=tuple(cited),
                       corrects=corrects, recorded_at=format_timestamp(recorded_at),
                       recorded_by=recorded_by)
    made = sealed(draft)
    if any(known.id == made.id for known in ledger.assessments):
        raise LedgerError(f"assessment {made.id} is already in the ledger")
    return ledger.model_copy(update={"assessments": (*ledger.assessments, made)}), made


def _cited(ledger: Ledger, prefixes: list[str], term: str, party: str, last: str) -> list[str]:
    """The entries an assessment cites, each checked: of its term and party, not retracted,
    and counted by the end of its period."""
    retracted = retracted_ids(ledger)
    cited: list[str] = []
    for prefix in prefixes:
        try:
            entry = resolve_evidence(ledger, prefix)
        except InvalidValue as error:
            raise InvalidValue("evidence", error.message) from None
        if (entry.term, entry.subject) != (term, party):
            raise InvalidValue("evidence", f"entry {entry.id} is about {entry.subject!r} on "
                               f"{entry.term!r}, not {party!r} on {term!r}")
        if entry.id in retracted:
            raise InvalidValue("evidence", f"entry {entry.id} is retracted")
        if counts_from(entry) > last:
            raise InvalidValue("evidence", f"entry {entry.id} counts from "
                               f"{counts_from(entry)}, after the period ends ({last})")
        if entry.id not in cited:
            cited.append(entry.id)
    return cited


def same_person(first: str, second: str) -> bool:
    """Two names that read alike (`lookalike.name_key`: case, spacing, invisible characters)
    name one person (`Alice`, ` alice`)."""
    return name_key(first) == name_key(second)


def review(ledger: Ledger, prefix: str, *, action: ReviewAction, reason: str,
           recorded_at: datetime, recorded_by: str | None = None) -> tuple[Ledger, Review]:
    """Record a second reader's approval or rejection, or a withdrawal. A reader may not review
    their own assessment; nothing more is recorded of a withdrawn one."""
    assessment = resolve_assessment(ledger, prefix)
    standing = standings(ledger)[assessment.id]
    if standing.state == ReviewAction.WITHDRAWN:
        replaced = [other.id for other in ledger.assessments if other.corrects == assessment.id]
        raise LedgerError(f"assessment {assessment.id} was withdrawn: nothing more is recorded "
                          "of it" + (f" (its correction is {replaced[0]})" if replaced else ""))
    if (action is not ReviewAction.WITHDRAWN and recorded_by is not None
            and assessment.recorded_by is not None
            and same_person(recorded_by, assessment.recorded_by)):
        raise InvalidValue("by", f"{recorded_by!r} recorded assessment {assessment.id}: a "
                           "second reader must review it (give --by, or set "
                           "$COMPLIANCE_LEDGER_AUTHOR, to their name)")
    if not reason.strip():
        raise InvalidValue("reason", "required")
    retracted = retracted_ids(ledger)
    gone = [entry for entry in assessment.evidence if entry in retracted]
    if action is ReviewAction.APPROVED and gone:
        raise InvalidValue("approve", f"assessment {assessment.id} cites entry {gone[0]}, "
                           "retracted since: correct the finding (`ledger assessment correct "
                           f"{assessment.id[:8]} --evidence ...`) or reject it")
    made = sealed(Review(id="0" * 12, assessment=assessment.id, action=action, reason=reason,
                         recorded_at=format_timestamp(recorded_at), recorded_by=recorded_by))
    return ledger.model_copy(update={"reviews": (*ledger.reviews, made)}), made


def correct(ledger: Ledger, prefix: str, *, reason: str, recorded_at: datetime,
            recorded_by: str | None = None, **given: object) -> tuple[Ledger, Assessment]:
    """Withdraw an assessment with `reason` and record a corrected copy, a new draft that names
    it (`corrects`); every field is carried over but those given (None: not given)."""
    old = resolve_assessment(ledger, prefix)
    changed = {name: value for name, value in given.items() if value is not None}
    if not changed:
        raise LedgerError("nothing to correct: give at least one of --period, --finding, "
                          "--level, --rationale, --evidence")
    current = {"period": old.period, "finding": old.finding, "level": old.level,
               "rationale": old.rationale, "evidence": old.evidence}
    if all(_same(current[name], value) for name, value in changed.items()):
        raise LedgerError(f"nothing to correct: assessment {old.id} already holds "
                          + ", ".join(f"{name} {value}" for name, value in changed.items()))
    withdrawn, _ = review(ledger, old.id, action=ReviewAction.WITHDRAWN, reason=reason,
                          recorded_at=recorded_at, recorded_by=recorded_by)
    fields: dict[str, object] = {
        "term": old.term, "party": old.party, "period": old.period, "finding": old.finding,
        "rationale": old.rationale, "evidence": old.evidence, "level": old.level, **changed}
    return assess(withdrawn, recorded_at=recorded_at, recorded_by=recorded_by,
                  corrects=old.id, **fields)  # type: ignore[arg-type]


def _same(held: object, given: object) -> bool:
    """Whether a corrected value is the one held (a period in any spelling, an id by prefix)."""
    if isinstance(held, tuple) and isinstance(given, tuple):
        return len(held) == len(given) and all(
            isinstance(one, str) and one.startswith(str(other).lower())
            for one, other in zip(held, given, strict=True))
    if isinstance(held, str) and isinstance(given, str):
        try:
            return canonical_period(given) == held
        except ValueError:
            return held == given
    return held == given


def finding_for(assessments: Iterable[Assessment], standing: dict[str, Standing], *,
                day: str, drafts: bool = False) -> Assessment | None:
    """Of one obligation's assessments, the one a report shows on `day`: the latest (by the end
    of its period, then recording time) approved one (or, with `drafts`, not yet reviewed too)
    whose period has ended by then."""
    shown = (ReviewAction.APPROVED.value, DRAFT) if drafts else (ReviewAction.APPROVED.value,)
    eligible = [assessment for assessment in assessments
                if standing[assessment.id].state in shown and end_day(assessment.period) <= day]
    return max(eligible, key=lambda assessment: (end_day(assessment.period),
                                                 assessment.recorded_at), default=None)


def citing(ledger: Ledger, entry_id: str) -> list[Assessment]:
    """The assessments, neither withdrawn nor rejected, that cite an entry."""
    standing = standings(ledger)
    return [assessment for assessment in ledger.assessments if entry_id in assessment.evidence
            and standing[assessment.id].state in (DRAFT, ReviewAction.APPROVED.value)]


def by_obligation_and_period(ledger: Ledger) -> dict[tuple[str, str, str], list[Assessment]]:
    """The assessments of each (term, party, period)."""
    groups: dict[tuple[str, str, str], list[Assessment]] = {}
    for assessment in ledger.assessments:
        groups.setdefault((assessment.term, assessment.party, assessment.period),
                          []).append(assessment)
    return groups


def cautions_of(ledger: Ledger, assessment: Assessment, *,
                standing: dict[str, Standing] | None = None,
                agreements: dict[str, Agreement] | None = None,
                groups: dict[tuple[str, str, str], list[Assessment]] | None = None
                ) -> list[tuple[str, str]]:
    """What to warn of in an assessment (already in `ledger`): another finding on the same
    obligation and period that stands (a report would show only the later); a level the finding
    contradicts; a period before its agreement was signed. `standing` and `agreements` (by
    term), when the caller has them for many assessments (`ledger check`)."""
    from ledger.core.cautions import agreements_of_terms

    standing = standings(ledger) if standing is None else standing
    agreements = agreements_of_terms(ledger) if agreements is None else agreements
    found: list[tuple[str, str]] = []
    groups = by_obligation_and_period(ledger) if groups is None else groups
    rivals = [other.id for other in groups[assessment.term, assessment.party, assessment.period]
              if other.id != assessment.id
              and standing[other.id].state in (DRAFT, ReviewAction.APPROVED.value)]
    if rivals:
        found.append(("period", f"assessment {', '.join(rivals)} is on the same obligation and "
                      f"period ({assessment.period}) and stands too: reports show only the "
                      "later; withdraw or reject the one that is wrong"))
    level, finding = assessment.level, assessment.finding
    if level is not None and (finding is Finding.UNVERIFIABLE
                              or (finding is Finding.COMPLIES and level < 3)
                              or (finding is Finding.VIOLATES and level == 3)):
        found.append(("level", f"level {level} with the finding {finding.value}: "
                      "is one of them a slip?"))
    agreement = agreements.get(assessment.term)
    if (agreement is not None and agreement.signed is not None
            and end_day(assessment.period) < agreement.signed):
        found.append(("period", f"{assessment.period} ended before its agreement was signed "
                      f"({agreement.signed})"))
    return found
