"""Short French chat texts built from knowledge-base records (pure: no Rasa import)."""

from __future__ import annotations

from secu.knowledge.queries import ContactInfo, PhoneInfo, ProcedureInfo, StatusInfo

MAX_STEPS_IN_CHAT = 3


def phone_line(phone: PhoneInfo) -> str:
    line = phone.display
    if phone.hours:
        caution = f" ({phone.hours_caution})" if phone.hours_caution else ""
        line += f", {phone.hours}{caution}"
    return line


def contact_text(contact: ContactInfo, where: str) -> str:
    """'Pour la Gironde (33), votre caisse est la CPAM de la Gironde. …'"""
    organism = contact.organism
    lines = [f"Pour {where}, votre caisse est : {organism.name} ({organism.short_name})."]
    if organism.kind == "cssm":
        lines.append(organism.description)
    lines += [f"- {phone_line(phone)} ;" for phone in contact.phones]
    lines += [f"- depuis l'étranger : {phone.display} ;" for phone in contact.abroad_phones]
    lines.append("- en ligne : la messagerie de votre compte ameli, https://assure.ameli.fr")
    if contact.note:
        lines.append(contact.note)
    return "\n".join(lines)


def status_text(info: StatusInfo) -> str:
    """Which body handles a status, and where to find it."""
    text = info.explanation
    organism = info.organism
    if organism is not None and info.is_local:
        text += f" Pour vous : {organism.name}."
    elif organism is not None and organism.website:
        text += f" Plus d'infos : {organism.website}"
    if info.note:
        text += f" {info.note}"
    return text


def procedure_text(procedure: ProcedureInfo, *, with_summary: bool = True) -> str:
    """The summary, the first key steps and the official link: short enough for a chat."""
    lines = [procedure.summary] if with_summary else []
    steps = procedure.steps[:MAX_STEPS_IN_CHAT]
    lines += [f"{i}. {step}" for i, step in enumerate(steps, start=1)]
    if len(procedure.steps) > MAX_STEPS_IN_CHAT:
        lines.append("(démarche complète sur le lien ci-dessous)")
    if procedure.links:
        link = procedure.links[0]
        lines.append(f"{link.title} : {link.url}")
    return "\n".join(lines)


def documents_text(procedure: ProcedureInfo) -> str:
    if not procedure.documents:
        text = f"Pour « {procedure.title} », aucun document particulier n'est demandé."
    else:
        items = "\n".join(f"- {doc} ;" for doc in procedure.documents)
        text = f"Pour « {procedure.title} », préparez :\n{items}"
    if procedure.delays:
        text += f"\nDélais : {procedure.delays}"
    return text
