"""Linked data: schema.org JSON-LD in every matter page and a CPSV-AP 3.2.0 export per matter.

Search engines and national portals read the schema.org ``GovernmentService`` embedded in the
page; European-style service catalogues (and anyone with an RDF toolchain) read
``api/v1/cpsv-ap/<code>.jsonld``, which conforms to the official CPSV-AP 3.2.0 SHACL shapes.

Both are built only from the matter's standard, so they are as deterministic as the page.
IRIs are made from the site's public address (``site_url`` in mkdocs.yml); without one they
are relative to the document, which JSON-LD resolves against wherever the file is served.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.domain import chinese
from generator.cache import code_digest, digest
from generator.load.corpus import Corpus
from generator.domain.directory import Handling, Implementation
from generator.model.matter import ONLINE_DEPTH_LABELS, Matter
from generator.outputs import regions
from generator.outputs.cpsv_services import _hall_service_channels, _mail_addresses, _online_services, _ref, zh

if TYPE_CHECKING:
    from generator.publish.context import BuildContext


CONTEXT = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# The EU authority table of currencies: a code list integrators already know.
CNY = "http://publications.europa.eu/resource/authority/currency/CNY"

def site_base(site_url: str | None, relative_root: str) -> str:
    """The prefix of every IRI: the public address, or the way back to the site root."""
    return (site_url.rstrip("/") + "/") if site_url else relative_root


def places(corpus: Corpus, matter: Matter) -> list[tuple[Implementation, list[Handling]]]:
    """The matter's implementations with their halls; none without a region directory."""
    return regions.by_implementation(corpus.directory, matter) if corpus.directory.places else []


def duration(days: int) -> str:
    """ISO 8601 duration of a time limit. The standard counts working days; the unit is said in
    each description, since ISO 8601 has no working-day designator."""
    return f"P{days}D"


def _concept(iri: str, label: str) -> dict[str, Any]:
    return {"@id": iri, "@type": "skos:Concept", "skos:prefLabel": zh(label)}


# ---------------------------------------------------------------------------------- schema.org

def schema_org(corpus: Corpus, matter: Matter, site_url: str | None = None) -> dict[str, Any]:
    base = site_base(site_url, "../../")
    page = f"{base}{contract.matter_url(matter.code)}"
    # The time limit counts working days; ISO 8601 (processingTime: P5D) would mean calendar
    # days. So it is the offers' deliveryLeadTime, a QuantitativeValue in UN/CEFACT unit E49
    # (working day) with the unit in words, plus the text in each channel's description.
    lead_time = {"@type": "QuantitativeValue", "value": matter.time_limit.promised_days, "unitCode": "E49", "unitText": "工作日"}
    implemented = places(corpus, matter)
    channels: list[dict[str, Any]] = []
    for implementation, handlings in implemented:
        channels.append({
            "@type": "ServiceChannel",
            "name": f"窗口办理：{implementation.agency.name}",
            "description": f"承诺{matter.time_limit.promised_days}个工作日办结。",
            "serviceLocation": [{"@type": "Place", "name": h.hall.name, "address": h.hall.address} for h in handlings],
            "servicePhone": {"@type": "ContactPoint", "telephone": regions.consult_phones(implementation, handlings)[0], "contactType": "咨询电话"},
            "availableLanguage": "zh",
        })
    for url in dict.fromkeys(i.online_url for i, _ in implemented if i.online_url):
        channels.append({
            "@type": "ServiceChannel",
            "name": "网上办理",
            "description": f"网办深度{ONLINE_DEPTH_LABELS[matter.online_depth]}",
            "serviceUrl": url,
            "availableLanguage": "zh",
        })
    if matter.fees:
        offers = [
            {
                "@type": "Offer",
                "name": fee.name,
                "price": f"{fee.amount:.2f}",
                "priceCurrency": "CNY",
                "description": f"{fee.unit}；收费依据：{fee.basis}",
                "deliveryLeadTime": lead_time,
            }
            for fee in matter.fees
        ]
    else:
        # free is price 0: isAccessibleForFree belongs to CreativeWork, Event and Place, not to a Service
        offers = [{"@type": "Offer", "name": "不收费", "price": "0.00", "priceCurrency": "CNY", "deliveryLeadTime": lead_time}]
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "@id": f"{page}#service",
        "name": matter.name,
        "identifier": matter.code,
        "description": matter.summary,
        "url": page,
        "serviceType": matter.matter_type,
        "provider": [
            {
                "@type": "GovernmentOrganization",
                "@id": f"{base}{contract.department_url(i.agency.credit_code)}#organisation",
                "name": i.agency.name,
                "identifier": i.agency.credit_code,
                "url": f"{base}{contract.department_url(i.agency.credit_code)}",
            }
            for i, _ in implemented
        ],
        "areaServed": [
            {"@type": "AdministrativeArea", "name": p.region.name, "identifier": p.code}
            for p in {i.place.code: i.place for i, _ in implemented}.values()
        ],
        "audience": {"@type": "Audience", "audienceType": "、".join(matter.service_objects)},
        "serviceOutput": {"@type": "Permit" if matter.result.kind == "证照" else "Thing", "name": matter.result.name},
        "offers": offers,
        "availableChannel": channels,
    }
    return doc


def script_json(data: Any) -> str:
    """JSON for a <script> element: '<', '>' and '&' as \\u escapes (still the same JSON), so no
    text from YAML can close the element or open a comment, whatever it contains."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_json_ld(corpus: Corpus, matter: Matter, site_url: str | None) -> str:
    """The schema.org ``<script type="application/ld+json">`` body of a matter page."""
    return script_json(schema_org(corpus, matter, site_url))


# ---------------------------------------------------------------------------------- CPSV-AP

def cpsv_ap(corpus: Corpus, matter: Matter, site_url: str | None = None) -> dict[str, Any]:
    """One matter as a CPSV-AP 3.2.0 graph. Every node is typed and every text is a language
    string, as the shapes require; code-list values are skos:Concept nodes with a zh label."""
    base = site_base(site_url, "../../../")
    page = f"{base}{contract.matter_url(matter.code)}"
    node = lambda name: f"{page}#{name}"  # noqa: E731 - fragment IRIs under the page
    implemented = places(corpus, matter)
    organisation = lambda agency: f"{base}{contract.department_url(agency.credit_code)}#organisation"  # noqa: E731
    location = lambda place: f"{base}{contract.region_url(place.code)}"  # noqa: E731
    concepts = f"{base}{contract.CPSV_CONCEPTS}#"
    promised = matter.time_limit.promised_days
    processing = {"@value": duration(promised), "@type": "xsd:duration"}
    labels = matter.option_labels()
    graph: list[dict[str, Any]] = []

    def applies(when: list[str]) -> str:
        return "适用情形：" + "；".join(labels[w] for w in when) if when else ""

    def all_of(when_all: list[str]) -> str:
        return "同时满足：" + "；".join(labels[w] for w in when_all) if when_all else ""

    committed = set(matter.commitment.materials) if matter.commitment else set()
    deferred = {d.material: d for d in matter.deferrals}

    requirements = []
    for condition in matter.conditions:
        item = {
            "@id": node(f"requirement-{condition.id}"),
            "@type": "cv:Requirement",
            "dct:identifier": condition.id,
            "dct:title": zh(condition.text),
            "dct:type": _ref(f"{concepts}requirement-condition"),
        }
        notes = [applies(condition.when), all_of(condition.when_all)]
        if matter.commitment and condition.id in matter.commitment.conditions:
            notes.append("实行告知承诺：以书面承诺代替证明")
        if any(notes):
            item["dct:description"] = zh("；".join(n for n in notes if n))
        requirements.append(item)
    # 中介服务: what the applicant must have done by a third party before applying
    for service in matter.intermediary_services:
        details = [f"服务机构：{service.provider}", "必须" if service.mandatory else "非必须", f"收费：{service.fee}"]
        if service.days:
            details.append(f"时限：{service.days}个工作日")
        if service.basis:
            details.append(f"依据：{service.basis}")
        requirements.append({
            "@id": node(f"requirement-intermediary-{service.id}"),
            "@type": "cv:Requirement",
            "dct:identifier": f"intermediary-{service.id}",
            "dct:title": zh(f"中介服务：{service.name}"),
            "dct:description": zh("；".join(details)),
            "dct:type": _ref(f"{concepts}requirement-intermediary"),
        })

    evidences = []
    for material in matter.materials:
        details = [f"{material.form}{material.copies}份", material.source, "必要" if material.required else "非必要"]
        for extra in (material.source_note, material.spec and f"规格：{material.spec}",
                      material.acceptance_standard and f"受理标准：{material.acceptance_standard}",
                      material.shared_data and f"可用{material.shared_data.certificate}替代，免于提交",
                      applies(material.when), all_of(material.when_all),
                      material.instructions and f"填报须知：{material.instructions}",
                      "；".join(f"{'或'.join(labels[w] for w in r.when)}：{r.copies}份" for r in material.copies_when),
                      material.id in committed and "实行告知承诺：签署告知承诺书后可不提交",
                      material.id in deferred and f"可容缺受理：受理之日起{deferred[material.id].within_days}个工作日内补交"):
            if extra:
                details.append(extra)
        evidences.append({
            "@id": node(f"evidence-{material.id}"),
            "@type": "cv:Evidence",
            "dct:identifier": material.id,
            "dct:title": zh(material.name),
            "dct:description": zh("；".join(details)),
            "dct:type": _ref(f"{concepts}material-form-{_FORM_SLUGS[material.form]}"),
        })

    output = {
        "@id": node("output"),
        "@type": "cv:Output",
        "dct:identifier": f"{matter.code}-output",
        "dct:title": zh(matter.result.name),
        "dct:description": zh("；".join(
            [f"{matter.result.kind}，送达方式：{'、'.join(matter.result.delivery)}"]
            + ([f"有效期：{matter.result.validity}"] if matter.result.validity else [])
            + ([f"年检年审：{matter.result.annual_review}"] if matter.result.annual_review else [])
            + ([f"数量限制：{matter.quantity_limit}"] if matter.quantity_limit else [])
        )),
        "dct:type": _ref(f"{concepts}result-{_RESULT_SLUGS[matter.result.kind]}"),
    }

    if matter.fees:
        costs = [
            {
                "@id": node(f"cost-{fee.id}"),
                "@type": "cv:Cost",
                "dct:identifier": fee.id,
                "dct:description": zh(f"{fee.name}，{chinese.fee_amount(fee.amount, fee.amount_max, fee.unit)}；收费依据：{fee.basis}"
                                      + (f"；减免：{fee.reduction}" if fee.reduction else "")
                                      + (f"（依据：{fee.reduction_basis}）" if fee.reduction_basis else "")),
                "cv:hasValue": {"@value": float(fee.amount), "@type": "xsd:double"},
                "cv:currency": _ref(CNY),
            }
            for fee in matter.fees
        ]
    else:
        costs = [{
            "@id": node("cost-free"),
            "@type": "cv:Cost",
            "dct:identifier": "free",
            "dct:description": zh("不收费"),
            "cv:hasValue": {"@value": 0.0, "@type": "xsd:double"},
            "cv:currency": _ref(CNY),
        }]

    legal_resources, rules = [], []
    for basis in matter.legal_basis:
        citation = f"《{basis.title}》" + (f"（{basis.doc_number}）" if basis.doc_number else "") + basis.article
        legal_resources.append({
            "@id": node(f"legal-{basis.id}"),
            "@type": "eli:LegalResource",
            "dct:title": zh(f"《{basis.title}》"),
            **({"dct:identifier": basis.doc_number} if basis.doc_number else {}),
        })
        rules.append({
            "@id": node(f"rule-{basis.id}"),
            "@type": "cpsv:Rule",
            "dct:identifier": basis.id,
            "dct:title": zh(citation),
            "dct:description": zh(basis.excerpt or citation),
            "cpsv:implements": _ref(node(f"legal-{basis.id}")),
        })

    channels, contacts, hours = [], [], []
    for implementation, handlings in implemented:
        agency = implementation.agency
        key = agency.credit_code
        halls = "；".join(f"{h.hall.name}（{h.hall.address}，{h.hall.hours}）" for h in handlings)
        channels.append({
            "@id": node(f"channel-window-{key}"),
            "@type": "cv:Channel",
            "dct:identifier": f"window-{key}",
            "dct:type": _ref(f"{concepts}channel-in-person"),
            "dct:description": zh(f"{agency.name}：{halls}；承诺{promised}个工作日办结（ISO 8601 时长按工作日计）。"),
            "cv:processingTime": processing,
            "cv:ownedBy": _ref(organisation(agency)),
        })
        if "快递申请" in matter.handling.channels:
            channels.append({
                "@id": node(f"channel-mail-{key}"),
                "@type": "cv:Channel",
                "dct:identifier": f"mail-{key}",
                "dct:type": _ref(f"{concepts}channel-mail"),
                "dct:description": zh(f"快递申请：申请材料可邮寄至{agency.name}的受理窗口" + _mail_addresses(handlings)),
                "cv:processingTime": processing,
                "cv:ownedBy": _ref(organisation(agency)),
            })
        if implementation.online_url:
            channels.append({
                "@id": node(f"channel-online-{key}"),
                "@type": "cv:Channel",
                "dct:identifier": f"online-{key}",
                "dct:type": _ref(f"{concepts}channel-online"),
                "dct:description": zh(f"网上办理，网办深度{ONLINE_DEPTH_LABELS[matter.online_depth]}：{implementation.online_url}"),
                "foaf:page": _ref(implementation.online_url),
                "cv:processingTime": processing,
                "cv:ownedBy": _ref(organisation(agency)),
            })
        channels += _hall_service_channels(node, concepts, key, agency, handlings, processing, organisation)
        phones = regions.consult_phones(implementation, handlings)
        complaint = f"；监督投诉电话 {implementation.complaint_phone}" if implementation.complaint_phone else ""
        complaint += _online_services(implementation)
        contacts.append({
            "@id": node(f"contact-{key}"),
            "@type": "cv:ContactPoint",
            "cv:telephone": phones[0],
            "dct:description": zh(f"{agency.name}咨询电话 {'、'.join(phones)}{complaint}"),
            "cv:openingHours": _ref(node(f"hours-{key}")),
        })
        hours.append({"@id": node(f"hours-{key}"), "@type": "time:TemporalEntity", "dct:description": zh(handlings[0].hall.hours)})

    service = {
        "@id": node("service"),
        "@type": "cpsv:PublicService",
        "dct:identifier": matter.code,
        "dct:title": zh(matter.name),
        "dct:description": zh(service_description(matter)),
        "dct:type": _ref(f"{base}{contract.type_url(matter.matter_type)}"),
        "dct:audience": [_ref(f"{concepts}audience-{_AUDIENCE_SLUGS[o]}") for o in matter.service_objects],
        "dct:spatial": [_ref(location(p)) for p in {i.place.code: i.place for i, _ in implemented}.values()],
        "cv:hasCompetentAuthority": [_ref(organisation(i.agency)) for i, _ in implemented],
        "cv:holdsRequirement": [_ref(r["@id"]) for r in requirements],
        "cpsv:hasInput": [_ref(e["@id"]) for e in evidences],
        "cpsv:produces": _ref(output["@id"]),
        "cv:hasCost": [_ref(c["@id"]) for c in costs],
        "cv:hasLegalResource": [_ref(r["@id"]) for r in legal_resources],
        "cpsv:follows": [_ref(r["@id"]) for r in rules],
        "cv:hasChannel": [_ref(c["@id"]) for c in channels],
        "cv:contactPoint": [_ref(c["@id"]) for c in contacts],
        "cv:processingTime": processing,
        "dcat:keyword": [zh(k) for k in matter.keywords],
        "foaf:page": _ref(page),
    }
    if not matter.keywords:
        del service["dcat:keyword"]

    graph.append(service)
    for place in {i.place.code: i.place for i, _ in implemented}.values():
        graph.append({"@id": location(place), "@type": "dct:Location", "skos:prefLabel": zh(place.region.name), "dct:identifier": place.code})
    for implementation, _ in implemented:
        graph.append({
            "@id": organisation(implementation.agency),
            "@type": ["cv:PublicOrganisation", "org:Organization"],
            "skos:prefLabel": zh(implementation.agency.name),
            "dct:identifier": implementation.agency.credit_code,
            "dct:spatial": _ref(location(implementation.place)),
        })
    graph += requirements + evidences + [output] + costs + legal_resources + rules + channels + contacts + hours
    # the code-list values this graph uses, typed so the shapes' sh:class checks can see them
    used = {service["dct:type"]["@id"]: matter.matter_type, CNY: "人民币"}
    used.update({f"{concepts}audience-{_AUDIENCE_SLUGS[o]}": o for o in matter.service_objects})
    used[f"{concepts}requirement-condition"] = CONCEPTS["requirement-condition"]
    used.update({f"{concepts}material-form-{_FORM_SLUGS[m.form]}": m.form for m in matter.materials})
    used[output["dct:type"]["@id"]] = matter.result.kind
    used[f"{concepts}channel-in-person"] = CONCEPTS["channel-in-person"]
    if matter.intermediary_services:
        used[f"{concepts}requirement-intermediary"] = CONCEPTS["requirement-intermediary"]
    if "快递申请" in matter.handling.channels and implemented:
        used[f"{concepts}channel-mail"] = CONCEPTS["channel-mail"]
    if any(i.online_url for i, _ in implemented):
        used[f"{concepts}channel-online"] = CONCEPTS["channel-online"]
    for c in channels:
        slug = c["dct:type"]["@id"].removeprefix(concepts)
        if slug in ("channel-appointment", "channel-self-service"):
            used[c["dct:type"]["@id"]] = CONCEPTS[slug]
    graph += [_concept(iri, label) for iri, label in used.items()]
    return {"@context": CONTEXT, "@graph": graph}


def service_description(matter: Matter) -> str:
    """The summary, then the elements CPSV-AP has no property for, as sentences: 事项状态,
    办件类型, 办理形式, 特别程序, 告知承诺, 权力属性."""
    parts = [matter.summary]
    if matter.status != "在用":
        parts.append(f"事项状态：{matter.status}" + (f"（{matter.status_date.isoformat()}起）" if matter.status_date else ""))
    if matter.handling.handling_type:
        parts.append(f"办件类型：{matter.handling.handling_type}")
    if matter.handling.channels:
        parts.append(f"办理形式：{'、'.join(matter.handling.channels)}")
    for p in matter.special_procedures:
        parts.append(f"特别程序：{p.name}，{chinese.procedure_days(p.days, p.calendar, p.counted)}，依据{p.basis}")
    if matter.commitment:
        parts.append(f"实行告知承诺制，承诺内容：{matter.commitment.text}")
    a = matter.authority
    for label, value in (("权力来源", a.power_source), ("实施主体性质", a.implementer_nature), ("委托部门", a.entrusting_department), ("权限划分", a.division), ("行使内容", a.content)):
        if value:
            parts.append(f"{label}：{value}")
    return "。".join(x.rstrip("。") for x in parts) + "。"


_AUDIENCE_SLUGS = {
    "自然人": "natural-person",
    "法人": "legal-person",
    "个体工商户": "individual-business",
    "社会组织": "social-organisation",
    "事业单位": "public-institution",
    "机关": "government-body",
    "其他组织": "other-organisation",
}
_FORM_SLUGS = {"原件": "original", "复印件": "copy", "电子件": "electronic", "电子证照": "e-certificate", "原件和复印件": "original-and-copy"}
_RESULT_SLUGS = {"证照": "certificate", "批文": "approval", "登记": "registration", "证明": "attestation", "其他": "other"}
# The site's own code lists, published as one SKOS concept scheme so every concept IRI resolves.
CONCEPTS: dict[str, str] = {
    **{f"audience-{slug}": label for label, slug in _AUDIENCE_SLUGS.items()},
    **{f"material-form-{slug}": label for label, slug in _FORM_SLUGS.items()},
    **{f"result-{slug}": label for label, slug in _RESULT_SLUGS.items()},
    "requirement-condition": "受理条件",
    "channel-in-person": "窗口办理",
    "channel-online": "网上办理",
    "channel-mail": "快递申请",
    "channel-appointment": "预约办理",
    "channel-self-service": "自助终端",
    "requirement-intermediary": "中介服务",
}


def concept_scheme(corpus: Corpus, site_url: str | None = None) -> dict[str, Any]:
    base = site_base(site_url, "../../../")
    scheme = f"{base}{contract.CPSV_CONCEPTS}"
    graph: list[dict[str, Any]] = [{"@id": scheme, "@type": "skos:ConceptScheme", "skos:prefLabel": zh("政务服务办事指南代码表")}]
    for slug, label in CONCEPTS.items():
        graph.append({**_concept(f"{scheme}#{slug}", label), "skos:inScheme": _ref(scheme)})
    return {"@context": CONTEXT, "@graph": graph}


def jsonld_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    """The CPSV-AP export of every matter and the code lists' concept scheme."""
    return [*matter_graphs(ctx), (contract.CPSV_CONCEPTS, jsonld_text(concept_scheme(ctx.corpus, ctx.site_url)))]


def matter_graphs(ctx: "BuildContext", codes: Collection[str] | None = None) -> list[tuple[str, Path]]:
    """CPSV-AP exports of every matter (or of those in ``codes``: a shard's) from the artifact
    cache. The key covers the matter (its fingerprint hashes the whole standard), the public
    address, the area name (which the regions data may supply) and the code that shapes the
    graph."""
    corpus = ctx.corpus
    code = code_digest(__name__)
    files = []

    def key(matter) -> str:
        # the implementations (agencies, halls, contacts) are local data: part of the key
        local = json.dumps([regions.implementation_entry(corpus, matter, i, h) for i, h in places(corpus, matter)], ensure_ascii=False, sort_keys=True)
        return digest("cpsv-ap", code, corpus.fingerprint(matter.code), site_base(ctx.site_url, ""), local)

    for matter in corpus.sorted_matters():
        if codes is not None and matter.code not in codes:
            continue
        files += ctx.cached(
            contract.cpsv_jsonld(matter.code), "cpsv-ap", ".jsonld",
            key=lambda matter=matter: key(matter),
            make=lambda matter=matter: jsonld_text(cpsv_ap(corpus, matter, ctx.site_url)).encode("utf-8"),
            counted="cpsv-ap",
        )
    return files

