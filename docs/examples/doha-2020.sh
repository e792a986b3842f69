#!/usr/bin/env bash
# Builds the bundled example data/doha-2020.json with the ledger's own commands, from the brief
# (../shared/brief/doha-2020.md) and the two articles kept beside it in data/.
#
#   bash docs/examples/doha-2020.sh            # rewrites data/doha-2020.json
#
# Every record is recorded at a fixed time (one second apart) so that the file is the same bytes
# on every run. Each reading follows the articles: nothing stronger or weaker than they say.
set -euo pipefail
cd "$(dirname "$0")/../.."
LEDGER=${LEDGER:-ledger}
OUT=data/doha-2020.json
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp data/000_6bf5b660281ef703.txt data/003_080edd18da3400cd.txt "$WORK"/
START=$(date -u -d 2026-11-29T12:00:00Z +%s)
STEP=0
l() {
  STEP=$((STEP + 1))
  COMPLIANCE_LEDGER_NOW=$(date -u -d "@$((START + STEP))" +%Y-%m-%dT%H:%M:%SZ) \
    "$LEDGER" -f "$WORK/ledger.json" "$@" >/dev/null 2>"$WORK/said" || { cat "$WORK/said"; exit 1; }
}
A=000_6bf5b660281ef703.txt   # the article on al-Qaeda and the Taliban, 2020-10
B=003_080edd18da3400cd.txt   # the article on the Taliban's accusations, 2020
SHA_A=$(sha256sum "data/$A" | cut -d' ' -f1)
SHA_B=$(sha256sum "data/$B" | cut -d' ' -f1)
from_a() { echo --source "$A" --source-date 2020-10 --document "$A" --sha256 "$SHA_A"; }
from_b() { echo --source "$B" --source-date 2020 --document "$B" --sha256 "$SHA_B"; }

l init --title "The 2020 US-Taliban agreement and the US-Afghanistan joint declaration"

l party add us --name "United States" --role signatory \
  --alias USFOR-A --alias "US Forces-Afghanistan" --alias Washington
l party add taliban --name "The Taliban" --role signatory --alias "Islamic Emirate of Afghanistan"
l party add afghan-gov --name "Afghan government" --role signatory \
  --alias "Government of the Islamic Republic of Afghanistan" --alias "Ghani government" \
  --alias Kabul
l party add un-monitoring-team --name "UN Monitoring Team" --role monitor \
  --alias "UN Analytical Support and Sanctions Monitoring Team" \
  --alias "Monitoring Team of the ISIL (Da'esh), Al-Qaida and Taliban sanctions regime"
l party add nato-allies --name "NATO allies" --role other \
  --alias "NATO allies and Coalition partners" --alias "Coalition partners"
l party add qatar --name Qatar --role mediator

# A staleness window of 12 months: the agreement's own timetable runs 14 months, and its sources
# here are two articles of 2020. A position a year old says little of how things stand now, so a
# report a year after the last word says "stale since 2020-10" rather than present it as today's.
l agreement add us-taliban-2020 \
  --title "Agreement for Bringing Peace to Afghanistan (the Doha agreement)" \
  --signed 2020-02-29 --signatory us --signatory taliban --place "Doha, Qatar" --stale-after 12
l agreement add us-afghanistan-2020 \
  --title "Joint Declaration between the Islamic Republic of Afghanistan and the United States of America for Bringing Peace to Afghanistan" \
  --signed 2020-02-29 --signatory us --signatory afghan-gov --place Kabul --stale-after 12

# The Doha agreement.
D="--agreement us-taliban-2020"
l term add doha-pre-3 $D --article "Preamble, part 3" --category negotiations --obligor taliban \
  --title "Start intra-Afghan negotiations" --due 2020-03-10 \
  --text "Start intra-Afghan negotiations with Afghan sides on 10 March 2020."
l term add doha-pre-4 $D --article "Preamble, part 4" --category ceasefire --obligor taliban \
  --title "Put a ceasefire on the negotiations' agenda" \
  --text "Put a permanent and comprehensive ceasefire on the agenda of the intra-Afghan dialogue and negotiations."
l term add doha-2-1 $D --article "Part Two 1" --category counter-terrorism --obligor taliban \
  --title "Deny Afghan soil to threats against the US and allies" \
  --text "Not allow any of its members, other individuals or groups, including al-Qaeda, to use the soil of Afghanistan to threaten the security of the United States and its allies."
l term add doha-2-2 $D --article "Part Two 2" --category counter-terrorism --obligor taliban \
  --title "Tell members not to cooperate with such groups" \
  --text "Send a clear message that those who pose a threat to the security of the United States and its allies have no place in Afghanistan, and instruct members of the Taliban not to cooperate with them."
l term add doha-2-3 $D --article "Part Two 3" --category counter-terrorism --obligor taliban \
  --title "Prevent, and do not host, such groups" \
  --text "Prevent any group or individual in Afghanistan from threatening the security of the United States and its allies; prevent them from recruiting, training and fundraising, and do not host them."
l term add doha-2-4 $D --article "Part Two 4" --category counter-terrorism --obligor taliban \
  --title "Handle asylum and residence so as to pose no threat" \
  --text "Deal with those seeking asylum or residence in Afghanistan according to international migration law and the commitments of the agreement, so that they pose no threat to the United States and its allies."
l term add doha-2-5 $D --article "Part Two 5" --category counter-terrorism --obligor taliban \
  --title "Issue no documents to those who threaten" \
  --text "Not provide visas, passports, travel permits or other legal documents to those who pose a threat to the security of the United States and its allies."
# The articles tie the whole withdrawal, not only Part One B, to the Taliban's Part Two
# commitments ("in exchange for the Taliban ensuring that terrorist groups will not be able to use
# Afghan territory"; "tied to stipulations"): the chapeau's 14 months and Part One B are one
# deadline with one set of conditions.
PART_TWO="--condition doha-2-1 --condition doha-2-2 --condition doha-2-3 --condition doha-2-4 --condition doha-2-5"
l term add doha-1 $D --article "Part One (chapeau)" --category withdrawal --obligor us \
  --title "Withdraw all forces within 14 months" --due 2021-04-29 $PART_TWO \
  --text "The United States commits to withdraw all military forces of the United States, its allies and Coalition partners, including all non-diplomatic civilian personnel, private security contractors, trainers, advisors and supporting services personnel, within fourteen months of the announcement of the agreement (often cited as 1 May 2021)."
l term add doha-1-a1 $D --article "Part One A.1" --category withdrawal \
  --obligor us --obligor nato-allies --title "Reduce US forces to 8,600 in 135 days" \
  --due 2020-07-13 \
  --text "Within the first 135 days, reduce the number of US forces in Afghanistan to 8,600 and the forces of allies and Coalition partners proportionally."
l term add doha-1-a2 $D --article "Part One A.2" --category withdrawal \
  --obligor us --obligor nato-allies --title "Leave five military bases in 135 days" \
  --due 2020-07-13 --text "Within the first 135 days, withdraw all forces from five military bases."
l term add doha-1-b1 $D --article "Part One B.1" --category withdrawal \
  --obligor us --obligor nato-allies --title "Withdraw all remaining forces" --due 2021-04-29 \
  $PART_TWO \
  --text "With the commitment and action on the Taliban's obligations in Part Two, complete the withdrawal of all remaining forces within the remaining nine and a half months."
l term add doha-1-b2 $D --article "Part One B.2" --category withdrawal \
  --obligor us --obligor nato-allies --title "Withdraw from all remaining bases" --due 2021-04-29 \
  $PART_TWO \
  --text "With the commitment and action on the Taliban's obligations in Part Two, withdraw all forces from all remaining bases."
l term add doha-1-c-release $D --article "Part One C" --category prisoner-release --obligor us \
  --title "Work on the release of prisoners" --due 2020-03-10 \
  --text "Work at once with all relevant sides on a plan to release combat and political prisoners as a confidence-building measure: up to 5,000 Taliban prisoners and up to 1,000 prisoners of the other side by 10 March 2020, the remaining prisoners within the following three months (by 10 June 2020)."
l term add doha-1-c-abide $D --article "Part One C" --category prisoner-release --obligor taliban \
  --title "Released prisoners pose no threat" \
  --text "Released Taliban prisoners will abide by the commitments of the agreement so that they pose no threat to the security of the United States and its allies."
l term add doha-1-d $D --article "Part One D" --category sanctions --obligor us \
  --title "Review US sanctions on Taliban members" --due 2020-08-27 --condition doha-pre-3 \
  --text "With the start of intra-Afghan negotiations, begin an administrative review of US sanctions and the rewards list against members of the Taliban, with the goal of removing them."
l term add doha-1-e $D --article "Part One E" --category sanctions --obligor us \
  --title "Seek removal from the UN sanctions list" --due 2020-05-29 --condition doha-pre-3 \
  --text "With the start of intra-Afghan negotiations, engage diplomatically with the members of the UN Security Council and Afghanistan to remove members of the Taliban from the sanctions list."
l term add doha-1-f $D --article "Part One F" --category non-interference \
  --obligor us --obligor nato-allies --title "No threat or use of force; no interference" \
  --text "Refrain from the threat or the use of force against the territorial integrity or political independence of Afghanistan, and from intervening in its domestic affairs."
l term add doha-3-1 $D --article "Part Three 1" --category diplomacy --obligor us \
  --title "Seek the Security Council's endorsement" \
  --text "Request the recognition and endorsement of the agreement by the UN Security Council (Resolution 2513 endorsed it on 10 March 2020)."
l term add doha-3-3 $D --article "Part Three 3" --category reconstruction --obligor us \
  --title "Seek economic cooperation for reconstruction" \
  --text "Seek economic cooperation for reconstruction with the new post-settlement Afghan Islamic government, and not intervene in its internal affairs."
l term add doha-violence $D --article "unpublished understanding (reported)" \
  --category violence-reduction --obligor taliban --title "Reduce violence (reported, unpublished)" \
  --text "Reported but never published (said to sit in unpublished annexes): limit attacks on government forces to rural outposts, do not attack US or allied forces, do not attack large cities."
# Only US Forces-Afghanistan speaks of "the military terms" in the articles, and of its own
# keeping to them; nothing in the articles binds the allies to them.
l term add doha-military $D --article "unpublished understanding (reported)" \
  --category violence-reduction --obligor us \
  --title "Keep to the military terms (reported, unpublished)" \
  --text "Reported but never published: the military terms of the U.S.-Taliban agreement on the side of US forces, which US Forces-Afghanistan says it upholds. The articles do not give their content."

# The joint declaration. The brief places its terms in Part One without numbering them (but the
# first); the articles do not cite it.
J="--agreement us-afghanistan-2020"
l term add jd-1-prisoners $J --article "Part One 1" --category prisoner-release \
  --obligor afghan-gov --title "Discuss prisoner releases with the Taliban" \
  --text "Take part in a US-facilitated discussion with the Taliban on confidence-building measures, including whether significant numbers of prisoners on both sides can be released."
l term add jd-1-negotiations $J --article "Part One (paragraph not numbered here)" \
  --category negotiations --obligor afghan-gov --title "Take part in intra-Afghan negotiations" \
  --text "Take part in intra-Afghan negotiations with the Taliban."
l term add jd-1-counter-terrorism $J --article "Part One (paragraph not numbered here)" \
  --category counter-terrorism --obligor afghan-gov \
  --title "Deny Afghan soil to international terrorist groups" \
  --text "Continue not to let al-Qaeda, ISIS-K or other international terrorist groups use Afghan soil to threaten the security of the United States and its allies."
l term add jd-1-withdrawal $J --article "Part One (paragraph not numbered here)" \
  --category withdrawal --obligor us --obligor nato-allies \
  --title "Reduce to 8,600 in 135 days; withdraw in 14 months" --due 2021-04-29 $PART_TWO \
  --text "The same reduction to 8,600 within 135 days and withdrawal of all forces within 14 months, conditional on the Taliban's commitments (those of Part Two of the Doha agreement)."
l term add jd-1-security-assistance $J --article "Part One (paragraph not numbered here)" \
  --category "security assistance" --obligor us \
  --title "Seek funds for the Afghan security forces" \
  --text "Seek funds every year for the training, equipping, advising and sustaining of the Afghan security forces."

# The article on al-Qaeda and the Taliban (A).
FITTON="Edmund Fitton-Brown, coordinator of the UN Monitoring Team"
l evidence add --term doha-2-3 --claimant afghan-gov --stance disputes --date 2020-10 \
  --speaker "Afghan officials" $(from_a) \
  --summary "Afghan officials believe the Taliban were providing security for Husam Abd al-Rauf, a senior al-Qaeda member killed by Afghan Special Forces in Kunsaf, a Taliban-controlled village in Ghazni province."
l evidence add --term doha-2-3 --claimant taliban --stance notes --date 2020-10 \
  --quote "investigating the situation" $(from_a) \
  --summary "On the killing of al-Rauf in a village under their control, the Taliban said they were investigating the situation: neither a claim nor an admission."
UN_PRESENCE="The senior leadership of Al-Qaida (QDe.004) remains present in Afghanistan, as well as hundreds of armed operatives, Al-Qaida in the Indian Subcontinent, and groups of foreign terrorist fighters aligned with the Taliban."
l evidence add --term doha-2-3 --claimant un-monitoring-team --stance disputes --date 2020-06 \
  --quote "$UN_PRESENCE" $(from_a) \
  --summary "The UN Monitoring Team's June report: al-Qaeda's senior leadership remains in Afghanistan, with hundreds of armed operatives and groups of foreign terrorist fighters aligned with the Taliban."
# Part One of the article ties the al-Rauf case to the Taliban's condition that "terrorist groups
# will not be able to use Afghan territory", which is Part Two 1 (al-Qaeda by name); the UN's
# finding that al-Qaeda's leadership and armed operatives remain bears on it as much as on Part
# Two 3. Both are filed on each term, with the Taliban's answer on al-Rauf.
l evidence add --term doha-2-1 --claimant afghan-gov --stance disputes --date 2020-10 \
  --speaker "Afghan officials" \
  --quote "Afghan officials believe that the Taliban were providing security for him." $(from_a) \
  --summary "Afghan officials believe the Taliban were providing security for Husam Abd al-Rauf, a senior al-Qaeda member killed by Afghan Special Forces in Kunsaf, a village under Taliban control; the article calls this, if true, a contravention of the Taliban's agreement with the US."
l evidence add --term doha-2-1 --claimant taliban --stance notes --date 2020-10 \
  --quote "investigating the situation" $(from_a) \
  --summary "On the killing of al-Rauf in a village under their control, the Taliban said they were investigating the situation: neither a claim nor an admission."
l evidence add --term doha-2-1 --claimant un-monitoring-team --stance disputes --date 2020-06 \
  --quote "$UN_PRESENCE" $(from_a) \
  --summary "The UN Monitoring Team's June report: al-Qaeda's senior leadership remains present in Afghanistan, with hundreds of armed operatives, al-Qaeda in the Indian Subcontinent and groups of foreign terrorist fighters aligned with the Taliban."
l evidence add --term doha-2-2 --claimant un-monitoring-team --stance disputes --date 2020-06 \
  --quote "Relations between the Taliban, especially the Haqqani Network (TAe.012), and Al-Qaida remain close, based on friendship, a history of shared struggle, ideological sympathy and intermarriage." \
  $(from_a) \
  --summary "The UN Monitoring Team's June report: relations between the Taliban, especially the Haqqani Network, and al-Qaeda remain close."
l evidence add --term doha-2-2 --claimant un-monitoring-team --stance notes --date 2020-06 \
  --quote "The Taliban regularly consulted with Al-Qaida during negotiations with the United States and offered guarantees that it would honour their historical ties." \
  $(from_a) \
  --summary "The UN Monitoring Team's June report: during the negotiations with the United States, before the agreement was signed, the Taliban regularly consulted al-Qaeda and offered guarantees to honour their historical ties."
l evidence add --term doha-2-2 --claimant un-monitoring-team --stance notes --date 2020-10 \
  --speaker "$FITTON" \
  --quote "The Taliban were talking regularly and at a high level with al-Qaeda and reassuring them that they would honor their historic ties." \
  $(from_a) \
  --summary "The Monitoring Team's coordinator told the BBC that the Taliban promised al-Qaeda, as they neared the agreement with Washington, that the two groups would remain allies: conduct before the agreement was signed."
l evidence add --term doha-2-2 --claimant un-monitoring-team --stance notes --date 2020-06 \
  --quote "the Taliban and al-Qaeda continued to hold meetings throughout 2019 and early 2020 to discuss training and operational planning" \
  $(from_a) \
  --summary "The UN Monitoring Team's June report, as the article gives it: the Taliban and al-Qaeda held meetings throughout 2019 and early 2020 to discuss training and operational planning: conduct before and around the signing, not a finding of conduct under the agreement."
l evidence add --term doha-2-3 --claimant un-monitoring-team --stance disputes --date 2020-10 \
  --speaker "$FITTON" \
  --quote "Al-Qaeda is heavily embedded with the Taliban and they do a good deal of military action and training with the Taliban, and that has not changed" \
  $(from_a) \
  --summary "The Monitoring Team's coordinator told the BBC that al-Qaeda is heavily embedded with the Taliban and trains and fights with them, unchanged since the agreement."
for term in doha-2-1 doha-2-2 doha-2-3 doha-2-4 doha-2-5; do
  l evidence add --term "$term" --claimant taliban --stance claims --date 2020 \
    --quote "fully complying with the conditions of the peace agreement" $(from_a) \
    --summary "The Taliban publicly insist that they are fully complying with the conditions of the peace agreement, above all that Afghanistan will not be a base for planning attacks on the US and the West, and point to their fight against the Islamic State; American and Taliban officials remain vague when questioned whether the Taliban fully comply."
done
l evidence add --term doha-2-1 --claimant afghan-gov --stance notes --date 2020 \
  --speaker "Rahmatullah Andar, a spokesman for the Afghan National Security Council" \
  --quote "The Americans might think the agreement they have signed with the Taliban will sort everything out, but time will prove that’s not the case." \
  $(from_a) \
  --summary "A spokesman for the Afghan National Security Council, a former Taliban commander, said the Taliban will not abide by any agreement with the US: a prediction about any agreement, not a finding on this commitment."

# The article on the Taliban's accusations (B).
l evidence add --term doha-violence --claimant taliban --stance claims --date 2020 $(from_b) \
  --summary "The Taliban claim to have lived up to their part: they limited attacks on government security forces to rural outposts, carried out no attacks on US or allied forces, and did not attack large cities."
l evidence add --term doha-military --subject us --claimant taliban --stance disputes --date 2020 \
  $(from_b) \
  --summary "The Taliban accused the United States of violating the peace deal, saying that the US has used drones to attack civilians."
TALIBAN_STATEMENT="We are asking the Americans to seriously comply with the contents of the agreement and to alert their allies to fully abide by the agreement"
l evidence add --term doha-military --subject us --claimant taliban --stance disputes --date 2020 \
  --quote "$TALIBAN_STATEMENT" $(from_b) \
  --summary "A Taliban statement published on social media asked the Americans to seriously comply with the contents of the agreement."
l evidence add --term doha-military --subject us --claimant taliban --stance notes \
  --date 2020 --quote "$TALIBAN_STATEMENT" $(from_b) \
  --summary "The same Taliban statement asked the Americans to alert their allies to fully abide by the agreement: a request, not a finding that the allies do not; the articles show no term binding the allies to the military terms."
l evidence add --term doha-military --subject us --claimant us --stance claims --date 2020 \
  --speaker "Col. Sonny Leggett, a spokesman for US Forces-Afghanistan (USFOR-A)" \
  --quote "USFOR-A (U.S. Forces Afghanistan) has upheld, and continues to uphold, the military terms of the U.S.-Taliban agreement; any assertion otherwise is baseless." \
  $(from_b) \
  --summary "US Forces-Afghanistan rejected the Taliban's accusations: it has upheld and continues to uphold the military terms of the agreement, and will defend its Afghan partners if attacked in compliance with the agreement."
# The prisoner complaints are about Kabul, which did not sign the Doha agreement and took on only
# a discussion of releases (jd-1-prisoners); no one says the US failed to work on the release plan.
# They are context on the release Part One C schedules.
l evidence add --term doha-1-c-release --claimant taliban --stance notes --date 2020 \
  --quote "indefensible arguments" $(from_b) \
  --summary "The Taliban called out the Afghan government for failing to release the 5,000 Taliban prisoners, and say the Ghani administration is using indefensible arguments in the endless delays in releasing them in exchange for 1,000 government personnel. The article adds that the Afghan government was not a party to the deal; the complaint is not about the US's work on the release."
l evidence add --term doha-1-c-release --claimant us --stance notes --date 2020 \
  --speaker "American officials in Washington" \
  --quote "American officials in Washington are frustrated with the Ghani government’s lack of response." \
  $(from_b) \
  --summary "American officials in Washington are frustrated with the Ghani government's lack of response on the release of the prisoners: about Kabul, not a claim that the US has done its part."
l evidence add --term jd-1-negotiations --claimant us --stance disputes --date 2020-03 \
  --speaker "President Trump" $(from_b) \
  --summary "President Trump threatened to withhold \$1 billion in US aid in an attempt to get the Afghan government moving on the next step of the peace process."

"$LEDGER" -f "$WORK/ledger.json" check --sources "$WORK" >/dev/null
cp "$WORK/ledger.json" "$OUT"
echo "wrote $OUT"
