"""The local service elements of one implementation in the CPSV-AP export (:mod:`generator.outputs.linked_data`):
预约办理 with each hall's daily quota and 自助终端 as ``cv:Channel``; the mail address on the
mail channel; online consultation, complaint, progress and payment in the contact point's
description, since CPSV-AP 3.2.0's ``cv:ContactPoint`` has no property for each of them."""

from __future__ import annotations

from typing import Any

from generator.domain.directory import Handling, Implementation


def zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh"}


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _mail_addresses(handlings: list[Handling]) -> str:
    found = dict.fromkeys(f"{a.address}（{a.recipient}收，{a.phone}）" for h in handlings if (a := h.services.mail_address))
    return f"，收件地址：{'；'.join(found)}" if found else ""


def _online_services(implementation: Implementation) -> str:
    """The online consultation, complaint, progress and payment channels, as words: CPSV-AP's
    ContactPoint has a telephone and opening hours but no property for each of these."""
    s = implementation.services
    parts = [f"网上咨询 {s.consult_url}" if s.consult_url else "", f"网上投诉 {s.complaint_url}" if s.complaint_url else ""]
    progress = "、".join(x for x in (s.progress_url, f"电话 {s.progress_phone}" if s.progress_phone else "") if x)
    parts += [f"办理进度查询 {progress}" if progress else "", f"网上支付 {s.payment_url}" if s.payment_url else ""]
    return "".join(f"；{p}" for p in parts if p)


def _hall_service_channels(node: Any, concepts: str, key: str, agency: Any, handlings: list[Handling], processing: Any, organisation: Any) -> list[dict]:
    """预约办理 (with each hall's daily quota) and 自助终端 (with their places) as channels."""
    out = []
    booked = [h for h in handlings if h.services.appointment]
    if booked:
        words = "；".join(
            h.hall.name + "：" + "，".join(x for x in (h.services.appointment_url, f"电话 {h.services.appointment_phone}" if h.services.appointment_phone else "", f"每个工作日 {h.services.daily_quota} 个名额" if h.services.daily_quota else "") if x)
            for h in booked
        )
        channel = {
            "@id": node(f"channel-appointment-{key}"),
            "@type": "cv:Channel",
            "dct:identifier": f"appointment-{key}",
            "dct:type": _ref(f"{concepts}channel-appointment"),
            "dct:description": zh(f"预约办理（{agency.name}）：{words}"),
            "cv:processingTime": processing,
            "cv:ownedBy": _ref(organisation(agency)),
        }
        url = next((h.services.appointment_url for h in booked if h.services.appointment_url), None)
        if url:
            channel["foaf:page"] = _ref(url)
        out.append(channel)
    terminals = [f"{t.location}" + (f"（{t.hours}）" if t.hours else "") for h in handlings for t in h.services.terminals]
    if terminals:
        out.append({
            "@id": node(f"channel-self-service-{key}"),
            "@type": "cv:Channel",
            "dct:identifier": f"self-service-{key}",
            "dct:type": _ref(f"{concepts}channel-self-service"),
            "dct:description": zh(f"自助终端办理（{agency.name}）：{'；'.join(dict.fromkeys(terminals))}"),
            "cv:processingTime": processing,
            "cv:ownedBy": _ref(organisation(agency)),
        })
    return out
