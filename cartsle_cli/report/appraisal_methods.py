"""The methods sentences on risk of bias and certainty, written from what the review did."""

from __future__ import annotations


def _names(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def appraisal_methods(document: dict) -> str:
    """'Risk of bias was appraised with ...' and 'Certainty ... GRADE ...', or '' when neither ran."""
    sentences = []
    for tool in document.get("risk_of_bias") or []:
        studies = tool["studies"]
        if not studies:
            continue
        appraisers = sorted({r for s in studies for c in s["domains"] for r in c["appraisers"]})
        resolved = sum(c["status"] == "resolved" for s in studies for c in s["domains"])
        unit = "each study's results per outcome" if tool["per_outcome"] else "each study"
        who = f"by {len(appraisers)} appraisers independently" if len(appraisers) > 1 else "by one appraiser"
        sentence = f"Risk of bias of {unit} was appraised with the {tool['name']} ({tool['reference']}) {who}"
        if len(appraisers) > 1:
            sentence += f"; agreement per domain is Cohen's kappa, and {resolved} disagreements were resolved by consensus"
        sentences.append(sentence + ".")
    graded = document.get("certainty") or []
    if graded:
        sentences.append(
            "Certainty of the evidence for each pooled outcome was rated with GRADE, starting at "
            f"{graded[0]['start']} for {graded[0]['design']}, across risk of bias, inconsistency, indirectness, "
            "imprecision and publication bias (Egger's test with 10 or more studies)."
        )
    binary = [g["evidence"] for g in graded if g["evidence"]["measure"] in ("OR", "RR", "RD")]
    if binary:
        basis = (
            "the median of the studies' control risks"
            if binary[0].get("control_risk_basis") == "median"
            else "the studies' control risk (control events over control participants)"
        )
        sentences.append(
            f"Absolute effects of binary outcomes are per 1000, from the pooled relative effect and its "
            f"confidence limits applied to {basis}, as GRADEpro computes them; the optimal information "
            "size is the sample size of a trial detecting a 25% relative risk reduction (0.2 SD for "
            "continuous outcomes) with alpha 0.05 and power 80% (GRADE guidance 6)."
        )
    if any(r["without"] is not None for r in document.get("sensitivity_without_high_risk") or []):
        sentences.append(
            "A sensitivity analysis repeated each meta-analysis without the studies at high risk of bias."
        )
    return " ".join(sentences)
