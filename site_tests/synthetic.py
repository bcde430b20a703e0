"""A deterministic synthetic catalogue of realistic matters, for the benchmark and scale tests.

Same N and seed, same files, byte for byte. Names, materials, review questions and laws are
drawn from real ones, so pages, slips and search behave as they do on a real catalogue.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

# (function, consult phone): who implements the synthetic matters, by department function;
# the agencies themselves are added to the region directory by write_regions()
DEPARTMENTS = [
    ("市场监督管理局", "0591-87853101"),
    ("交通运输局", "0591-87077001"),
    ("住房和城乡建设局", "0591-87844001"),
    ("自然资源局", "0591-87676001"),
    ("民政局", "0591-87830001"),
    ("卫生健康委员会", "0591-87558001"),
    ("生态环境局", "0591-83582001"),
    ("农业农村局", "0591-87863001"),
    ("文化和旅游局", "0591-87631001"),
    ("人力资源和社会保障局", "0591-87606001"),
]
SUBJECTS = [
    "食品经营", "药品零售", "医疗机构执业", "道路运输经营", "建筑业企业资质", "排污", "取水", "林木采伐",
    "娱乐场所经营", "旅行社业务经营", "出版物零售", "印刷经营", "危险化学品经营", "燃气经营", "饲料生产",
    "兽药经营", "农药经营", "种子生产经营", "人力资源服务", "劳务派遣经营", "民办学校办学", "养老机构设立",
    "公共场所卫生", "放射诊疗", "母婴保健技术服务", "城市道路占用", "建设工程规划", "施工许可", "商品房预售",
    "房地产开发企业资质", "水运工程监理", "港口经营", "船员适任", "网络预约出租汽车经营", "客运站经营",
]
ITEMS = ["新设", "变更", "延续", "注销"]
MATERIALS = [
    ("application-form", "{subject}许可申请书", "原件", "申请人自备"),
    ("applicant-id", "申请人身份证件", "复印件", "政府部门核发"),
    ("business-license", "营业执照", "复印件", "政府部门核发"),
    ("premises-proof", "经营场所使用证明（房屋产权证明或租赁合同）", "复印件", "申请人自备"),
    ("layout-plan", "经营场所平面布局图", "原件", "申请人自备"),
    ("equipment-list", "主要设备设施清单", "原件", "申请人自备"),
    ("staff-list", "专业技术人员名单及资格证明", "复印件", "申请人自备"),
    ("safety-rules", "安全管理制度文本", "原件", "申请人自备"),
    ("emergency-plan", "突发事件应急预案", "原件", "申请人自备"),
    ("env-approval", "建设项目环境影响评价批复文件", "复印件", "政府部门核发"),
    ("fire-approval", "消防验收或备案凭证", "复印件", "政府部门核发"),
    ("quality-manual", "质量管理体系文件", "原件", "申请人自备"),
    ("financial-report", "上一年度财务审计报告", "原件", "中介机构出具"),
    ("health-certs", "从业人员健康证明", "复印件", "其他单位出具"),
    ("contract", "委托检测协议", "复印件", "申请人自备"),
    ("power-of-attorney", "授权委托书", "原件", "申请人自备"),
    ("agent-id", "委托代理人身份证件", "复印件", "政府部门核发"),
    ("old-license", "原{subject}许可证正副本", "原件", "政府部门核发"),
]
CONDITIONS = [
    "申请人具有合法的主体资格。",
    "具有与经营规模相适应的固定场所，场所布局合理，符合安全和卫生要求。",
    "具有与经营项目相适应的设备设施，并定期维护、校验。",
    "配备与经营规模相适应的专业技术人员和管理人员。",
    "建立健全安全生产、质量管理等规章制度和操作规程。",
    "近两年内未因违法经营被吊销相关许可证。",
    "按规定完成环境影响评价并取得批复。",
    "具有突发事件应急预案和相应的应急处置能力。",
]
QUESTIONS = [
    ("{name}是否需要加盖公章？", "申请人为单位的应加盖单位公章；个人申请的由本人签字，并按指印。"),
    ("{name}复印件是否需要核对原件？", "窗口人员当场核对原件后退还，复印件注明“与原件一致”并由核对人签名。"),
    ("{name}的有效期如何把握？", "应在有效期内，距到期日不足30日的，告知申请人同时办理延续。"),
    ("{name}内容与申请书不一致如何处理？", "以证明文件为准，当场告知申请人更正申请书，不作为不予受理理由。"),
    ("{name}能否通过电子证照调取？", "已归集到省电子证照库的，窗口直接调取，申请人免于提交纸质材料。"),
    ("{name}由外地机构出具的是否认可？", "依法设立的机构出具的均予认可，不得要求申请人到本地重新办理。"),
]
LAWS = [
    ("中华人民共和国行政许可法", "主席令第七号", "第十二条"),
    ("中华人民共和国食品安全法", "主席令第二十一号", "第三十五条"),
    ("中华人民共和国药品管理法", "主席令第三十一号", "第五十一条"),
    ("中华人民共和国道路运输条例", "国务院令第406号", "第三十六条"),
    ("建设工程质量管理条例", "国务院令第279号", "第十三条"),
    ("城市绿化条例", "国务院令第676号", "第二十条"),
    ("中华人民共和国环境保护法", "主席令第九号", "第四十五条"),
    ("娱乐场所管理条例", "国务院令第458号", "第九条"),
    ("旅行社条例", "国务院令第550号", "第六条"),
    ("人力资源市场暂行条例", "国务院令第700号", "第十八条"),
]


def synthetic_matter(index: int, rng: random.Random) -> dict:
    department, _phone = DEPARTMENTS[index % len(DEPARTMENTS)]
    subject = SUBJECTS[index % len(SUBJECTS)]
    item = ITEMS[(index // len(SUBJECTS)) % len(ITEMS)]
    code = f"{350000 + index % 1000:06d}{index:06d}"[:12]
    name = f"{subject}许可（{item}）"
    situations = [
        {"id": "applicant", "question": "申请人是什么主体？", "options": [{"id": "company", "label": "企业"}, {"id": "individual", "label": "个体工商户"}]},
        {"id": "agent", "question": "是否委托他人代为办理？", "options": [{"id": "self", "label": "本人办理"}, {"id": "proxy", "label": "委托代理人办理"}]},
        {"id": "scale", "question": "经营规模？", "options": [{"id": "small", "label": "小型"}, {"id": "large", "label": "大中型"}]},
    ][: rng.randint(1, 3)]
    count = rng.randint(8, 15)
    pool = [m for m in MATERIALS if m[0] not in ("power-of-attorney", "agent-id")]
    chosen = pool[:3] + rng.sample(pool[3:], min(count - 2, len(pool) - 3))
    materials = []
    for mid, mname, form, source in chosen:
        material = {"id": mid, "name": mname.format(subject=subject), "form": form, "copies": rng.choice([1, 1, 1, 2]), "source": source}
        if mid == "business-license" and len(situations) >= 1:
            material["when"] = ["applicant.company"]
        materials.append(material)
    if any(s["id"] == "agent" for s in situations):
        materials += [
            {"id": "power-of-attorney", "name": "授权委托书", "form": "原件", "copies": 1, "source": "申请人自备", "when": ["agent.proxy"]},
            {"id": "agent-id", "name": "委托代理人身份证件", "form": "复印件", "copies": 1, "source": "政府部门核发", "when": ["agent.proxy"]},
        ]
    conditions = [{"id": f"c{i + 1}", "text": text} for i, text in enumerate(rng.sample(CONDITIONS, rng.randint(3, 6)))]
    points, n_points = [], rng.randint(20, 30)
    for i in range(n_points):
        material = materials[i % len(materials)]
        question, answer = QUESTIONS[(i + index) % len(QUESTIONS)]
        points.append({"id": f"rp-{i + 1}", "about": material["id"], "question": question.format(name=material["name"]), "answer": answer})
    parallel = rng.random() < 0.5
    steps = [{"id": "intake", "name": "受理", "actor": "综合受理窗口", "days": 1, "next": ["review"]}]
    if parallel:
        steps.append({"id": "review", "name": "材料审查", "actor": "审查人员", "days": 2, "next": ["inspection", "expert"]})
        steps.append({"id": "inspection", "name": "现场核查", "actor": "核查人员", "days": 3, "next": ["decision"]})
        steps.append({"id": "expert", "name": "专家评审", "actor": "评审专家", "department": "福建省生态环境厅", "days": 2, "next": ["decision"]})
    else:
        steps.append({"id": "review", "name": "材料审查", "actor": "审查人员", "days": 3, "next": ["decision"]})
    steps.append({"id": "decision", "name": "审批决定", "actor": "分管负责人", "days": 1, "next": ["delivery"]})
    steps.append({"id": "delivery", "name": "制证送达", "actor": "综合出件窗口", "days": 1})
    longest = sum(s["days"] for s in steps if s["id"] != "expert")
    promised = longest + rng.randint(0, 5)
    fees = []
    if rng.random() < 0.2:
        fees.append({"id": "fee-certificate", "name": "证书工本费", "amount": 10, "unit": "每证", "basis": "《国家计委 财政部关于全面整顿住房建设收费取消部分收费项目的通知》（计价格〔2001〕585号）"})
    law = LAWS[index % len(LAWS)]
    return {
        "code": code,
        "name": name,
        "matter_type": "行政许可",
        "business_item": item,
        "department": department,
        "levels": rng.choice([["市级", "县级"], ["省级"], ["县级"], ["市级"], ["县级", "乡级"]]),
        "service_objects": ["法人", "自然人"],
        "tongban": rng.choice(["不通办", "不通办", "全市通办", "全省通办"]),
        "summary": f"在福建省行政区域内从事{subject}活动的申请人，办理{subject}许可{item}。",
        "keywords": [subject, f"办{subject}证"],
        "legal_basis": [{"id": "basis-1", "title": law[0], "doc_number": law[1], "article": law[2]}],
        "situations": situations,
        "conditions": conditions,
        "materials": materials,
        "review_points": points,
        "steps": steps,
        "time_limit": {"statutory_days": max(20, promised), "promised_days": promised, "not_counted": ["专家评审", "现场核查整改"] if parallel else []},
        "fees": fees,
        "result": {"name": f"{subject}许可证", "kind": "证照", "delivery": ["窗口领取", "邮寄送达", "电子证照"]},
        "visits": rng.choice([0, 0, 1]),
        "online_depth": rng.choice(["三级", "四级"]),
        "version": "1.0",
        "effective_date": "2026-01-01",
        "changes": [{"version": "1.0", "date": "2026-01-01", "kind": "major", "note": "首次发布。"}],
    }


def write_corpus(target: Path, count: int, seed: int = 1814) -> list[Path]:
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        data = synthetic_matter(index, rng)
        path = target / f"{data['code']}.yml"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        # dates as YAML dates, as editors write them
        text = text.replace("'2026-01-01'", "2026-01-01")
        path.write_text("# yaml-language-server: $schema=../schema/matter.schema.json\n" + text, encoding="utf-8")
        paths.append(path)
    return paths


def write_regions(source: Path, target: Path) -> Path:
    """The sample region directory, with an agency for every synthetic function in every
    region at 省级, 市级 and 县级 that lacks one (valid credit codes, deterministic)."""
    from generator.domain.codes import credit_check_char, org_check_char

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    serial = 0

    def add(region: dict) -> None:
        nonlocal serial
        if region["level"] in ("省级", "市级", "县级"):
            agencies = region.setdefault("agencies", [])
            have = {f for a in agencies for f in a["functions"]}
            for function, phone in DEPARTMENTS:
                if function in have:
                    continue
                serial += 1
                body = f"MC{serial:06d}"
                first17 = "11" + region["code"][:6] + body + org_check_char(body)
                agencies.append({"name": f"{region['name']}{function}", "functions": [function], "credit_code": first17 + credit_check_char(first17), "phone": phone})
        for hall in region.get("halls", []):
            # the sample's per-matter quotas and terminals name sample codes the synthetic
            # catalogue does not have (an unknown code is a check error): keep the others
            appointment = hall.get("appointment") or {}
            if "quotas" in appointment:
                appointment["quotas"] = [q for q in appointment["quotas"] if "matter" not in q]
            for terminal in hall.get("self_service_terminals", []):
                terminal.pop("matters", None)
        for child in region.get("children", []):
            add(child)

    for region in data["regions"]:
        add(region)
    target.write_text("# yaml-language-server: $schema=../schema/regions.schema.json\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return target
