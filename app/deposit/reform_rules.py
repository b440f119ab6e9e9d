"""The reform's French rules (BR-FR, norm XP Z12-012) that Bordereau's own data can break,
said in French with what to do and the field to change (the invoice editor's names). The
rule's own wording follows; the rules Bordereau's data cannot break keep their wording."""

from __future__ import annotations

from app.deposit.en16931 import RuleBroken

# rule id prefix → (what to do, the editor's field)
EXPLAINED: dict[str, tuple[str, str | None]] = {
    "BR-FR-01": ("Le numéro de facture a au plus 35 caractères", None),
    "BR-FR-02": (
        "Le numéro de facture ne contient que des lettres, des chiffres et + - _ /",
        None,
    ),
    "BR-FR-03": ("Les dates de la facture sont entre 2000 et 2099", "issue_date"),
    "BR-FR-05": (
        "La facture porte les mentions des pénalités de retard, de l'escompte et de "
        "l'indemnité de recouvrement",
        "payment.late_penalty",
    ),
    "BR-FR-08": (
        "Le cadre de facturation (biens, services ou les deux ; déjà payée, après acompte, "
        "sous-traitance) doit être l'un de ceux de la réforme",
        "cadre",
    ),
    "BR-FR-09": (
        "Le SIRET doit commencer par le SIREN de la même entreprise",
        "customer.siret",
    ),
    "BR-FR-10": (
        "Votre SIREN (les 9 premiers chiffres de votre SIRET) est obligatoire",
        "seller.siret",
    ),
    "BR-FR-11": (
        "Le SIREN du client est obligatoire pour une facture entre entreprises",
        "customer.siren",
    ),
    "BR-FR-12": (
        "L'adresse électronique de facturation du client (son SIREN par défaut) est obligatoire",
        "customer.electronic_address",
    ),
    "BR-FR-13": (
        "Votre adresse électronique de facturation (votre SIREN par défaut) est obligatoire",
        "seller.electronic_address",
    ),
    "BR-FR-16": ("Le taux de TVA doit être un taux français (20, 10, 5,5, 2,1 %…)", "lines"),
    "BR-FR-21": (
        "L'adresse électronique du client doit commencer par son SIREN (forme SIREN, "
        "SIREN_SIRET ou SIREN_SIRET_code de routage)",
        "customer.electronic_address",
    ),
    "BR-FR-23_BT-34": (
        "Votre adresse électronique de facturation ne contient que des lettres, des chiffres, "
        "« - », « _ » et « . »",
        "seller.electronic_address",
    ),
    "BR-FR-23_BT-49": (
        "L'adresse électronique du client ne contient que des lettres, des chiffres, « - », "
        "« _ » et « . »",
        "customer.electronic_address",
    ),
    "BR-FR-25_BT-34": (
        "Votre adresse électronique de facturation a au plus 125 caractères",
        "seller.electronic_address",
    ),
    "BR-FR-25_BT-49": (
        "L'adresse électronique du client a au plus 125 caractères",
        "customer.electronic_address",
    ),
    "BR-FR-32": ("Un SIREN compte 9 chiffres", "customer.siren"),
    "BR-FR-CO-05": (
        "Un avoir cite la facture qu'il corrige, avec sa date",
        "credited_number",
    ),
    "BR-FR-CO-07": (
        "L'échéance ne peut pas précéder la date de la facture (sauf facture déjà payée)",
        "payment.due_date",
    ),
    "BR-FR-CO-09": (
        "Une facture « déjà payée » a un acompte égal au total TTC et rien à payer",
        "prepaid",
    ),
    "BR-FR-DEC-01": ("Les montants sont au centime près", "lines"),
    "BR-FR-DEC-02": ("Les quantités ont au plus 4 décimales", "lines"),
    "BR-FR-DEC-03": ("Les prix unitaires sont positifs, avec au plus 6 décimales", "lines"),
}


def explain(rule: RuleBroken) -> RuleBroken:
    """``rule`` (a BR-FR failure) with Bordereau's French explanation when it has one."""
    found = next(
        (
            explained
            for prefix, explained in sorted(EXPLAINED.items(), key=lambda item: -len(item[0]))
            if rule.rule.startswith(prefix)
        ),
        None,
    )
    if found is None:
        return rule
    text, field = found
    wording = rule.message.removeprefix("la règle dit ")
    return RuleBroken(rule.rule, f"{text}. Réforme : {wording}", field)
