"""Realistic fake data for the benchmark: petition texts, case numbers, people, handoffs.

Deterministic (seeded). Texts are built from many short phrase pools so that the search index
sees a realistic spread of characters: a few very common ones (镇, 村, 反映), many of middling
frequency, and a long tail. A petition's content is 80–300 characters, most around 120–200,
like the inspection group's transfer sheets.
"""

from __future__ import annotations

import datetime as dt
import random

from dutydesk.petitions.demo import COMPANIES, GIVEN, PLACES, PROBLEMS, SURNAMES, VILLAGES

UNITS = list(PLACES)  # the 14 counties/districts of data/units.json (departments excluded)
DEPTS = ["市生态环境局", "市住建局", "市城管局", "市自然资源局", "市水利局", "市农业农村局", "市公安局",
         "市交通运输局", "市林业局", "市工信局", "市市场监管局"]

BRAND = ["宏达", "鑫源", "恒盛", "永兴", "华泰", "金龙", "顺发", "旺达", "东湘", "瑞丰", "新潇", "天成", "国润",
         "佳盛", "湘南", "福瑞", "隆昌", "汇丰", "嘉禾", "兴旺", "长青", "中泰", "盛源", "润达", "广源", "舜皇",
         "九嶷", "潇湘", "浯溪", "阳明", "银河", "富民", "安达", "宝利", "康达", "昌盛", "德胜", "荣华", "万通", "鸿运"]
SUFFIX = ["有限公司", "有限责任公司", "实业有限公司", "建材厂", "加工厂", "合作社", "专业合作社", "养殖场", "经营部", ""]
STREETS = ["人民路", "潇湘大道", "解放路", "零陵路", "凤凰路", "河西路", "滨江路", "建设路", "府前路", "长丰大道",
           "芝山路", "翠竹路", "梅湾路", "舜德路", "泠江路", "愚溪路", "柳子街", "南津路", "湘江路", "光明路"]
OPENINGS_CALL = ["来电反映", "群众来电反映", "信访人来电反映", "来电举报", "实名来电举报", "匿名来电反映", "来电投诉"]
OPENINGS_LETTER = ["来信反映", "群众来信反映", "信访人来信反映", "来信举报", "网络来信反映", "联名来信反映"]
SINCE = ["自2019年以来", "自2021年建成投产以来", "近两年来", "近三个月来", "今年以来", "从去年下半年开始",
         "长期以来", "每到雨天", "每天晚上十点以后", "凌晨两三点钟", "每逢周末", "多年来", "自开工以来"]
DETAILS = [
    "排放的废水呈黄褐色并伴有刺鼻气味", "每天有数十辆重型货车进出", "厂区未建设任何污染防治设施",
    "环评手续不全，属于未批先建", "企业负责人声称有关系，无人敢管", "夜间趁监管空档偷排", "监测数据明显造假",
    "在线监控设备长期断电", "危险废物未按规定贮存和转移", "附近农田已出现大面积减产",
    "河道两岸堆满了废渣", "多次被查处后仍然我行我素", "整改只是做做样子，检查一过又恢复原样",
    "周边一公里范围内都能闻到臭味", "据了解该企业未取得排污许可证", "排口设置在隐蔽的涵洞内",
    "沉淀池多年未清理已经满溢", "工人说每晚都要放一次水", "地下水井抽出的水有异味",
    "距离居民区不足一百米", "紧邻饮用水水源保护区", "在生态红线范围内违规建设",
    "砍伐了大片公益林", "非法占用基本农田", "车辆抛洒的泥土把路面弄得满是泥浆", "粉尘落在菜地里蔬菜没法吃",
    "噪声监测超过国家标准", "鱼塘里的鱼去年死了两千多斤", "村里的小孩皮肤出现红疹", "老人晚上睡不着觉",
]
PLACE_NOTES = ["该厂位于{v}后山，距离最近的居民房屋仅约{n}米", "厂区紧挨着{v}小学，距离不到{n}米",
               "附近有住户一百多户，{n}多名村民深受其害", "周边{n}米范围内有两处饮用水井",
               "所在位置属于河道管理范围，离河岸约{n}米", "该场地原为耕地，面积约{n}平方米"]
HISTORY = [
    "曾多次向镇政府和县生态环境局反映，均未得到有效解决", "2021年省督察期间已经反映过，至今未整改到位",
    "向12345热线投诉过三次，答复说已处理但实际没有变化", "当地有关部门来看过一次后就不了了之",
    "村委会表示管不了", "执法人员来之前企业就提前知道消息", "媒体曾经曝光过，但问题依旧",
    "去年已被罚款，但一直没有停产", "信访人担心遭到打击报复，请求保密",
]
DEMANDS = [
    "请求督察组督促有关部门彻底整改", "要求依法关停取缔", "希望对相关责任人严肃追责", "请求尽快核查处理并反馈结果",
    "要求企业赔偿村民损失", "请求恢复河道原貌", "希望政府帮助解决饮水问题", "要求公开处理结果",
    "请求对监管不力的问题一并调查", "希望督察组到现场暗访",
]
TARGETS = ["立行立改，限期办结", "按时限办结并反馈", "彻底整改到位", "依法查处，公开处理结果"]
TRUTHS = ["属实", "属实", "基本属实", "部分属实", "不属实"]
GROUPS = ["2HH", "2HH", "3XJ", "4SD", "1ZY"]  # inspection group codes inside the case numbers


def company(rng: random.Random, subject: str) -> str:
    r = rng.random()
    if r < 0.35:
        return rng.choice(COMPANIES) + subject
    if r < 0.75:
        return f"{rng.choice(BRAND)}{subject}"
    return f"{rng.choice(BRAND)}{rng.choice(SUFFIX) or subject}"


def petition_text(rng: random.Random, unit: str, *, letter: bool) -> tuple[str, list[str], str]:
    """(content, pollution types, address) of one petition, 80–300 characters."""
    town = rng.choice(PLACES.get(unit, ["城区"]))
    if rng.random() < 0.7:
        place = f"{town}{rng.choice(VILLAGES)}"
        if rng.random() < 0.4:
            place += f"第{rng.randint(1, 12)}村民小组"
    else:
        place = f"{town}{rng.choice(STREETS)}{rng.randint(1, 388)}号附近"
    ptype, subjects, problems, impacts = rng.choice(PROBLEMS)
    types = [ptype]
    subject = company(rng, rng.choice(subjects))
    opening = rng.choice(OPENINGS_LETTER if letter else OPENINGS_CALL)
    parts = [f"{opening}：{unit}{place}的{subject}{rng.choice(SINCE)}{rng.choice(problems)}，{rng.choice(impacts)}。"]
    target = min(300, max(80, int(rng.lognormvariate(5.0, 0.35))))  # median ~150, 80..300
    pool = [f"{rng.choice(PLACE_NOTES).format(n=rng.randint(2, 9) * 50, v=rng.choice(VILLAGES))}。"]
    if rng.random() < 0.35:
        ptype2, subjects2, problems2, impacts2 = rng.choice(PROBLEMS)
        if ptype2 != ptype:
            types.append(ptype2)
            pool.append(f"此外，附近的{company(rng, rng.choice(subjects2))}还存在{rng.choice(problems2)}的问题，{rng.choice(impacts2)}。")
    pool += [f"{d}。" for d in rng.sample(DETAILS, 8)]
    pool += [f"{i}。" for i in rng.sample(impacts, 2)]
    pool += [f"{h}。" for h in rng.sample(HISTORY, 2)]
    rng.shuffle(pool)
    pool.append(f"{rng.choice(DEMANDS)}。")
    text = parts[0]
    for sentence in pool:
        if len(text) >= target:
            break
        text += sentence
    while len(text) < 80:
        text += f"{rng.choice(DETAILS)}。"
    if len(text) > 300:
        cut = text.rfind("。", 0, 300)
        text = text[: cut + 1] if cut >= 80 else text[:299] + "。"
    address = f"{unit}{place}"
    return text, types, address


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN + ["伟", "芳", "军", "敏", "勇", "艳", "杰", "娟", "涛", "明华"])


def phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def case_no(letter: bool, group: str, received: dt.date, serial: int) -> str:
    """D2HH202403250005: 来电/来信, group code, received date, 4-digit serial."""
    return f"{'X' if letter else 'D'}{group}{received:%Y%m%d}{serial:04d}"


def result_texts(rng: random.Random, unit: str, content: str, truth: str) -> dict:
    inv = (f"经{unit}组织生态环境、自然资源等部门现场核查，{truth}。{content[5:60]}……"
           f"执法人员现场检查发现{rng.choice(DETAILS)}。")
    if truth == "不属实":
        handling = "经核查，反映问题不属实，已向信访人做好解释工作。"
    else:
        handling = rng.choice([
            "已责令立即停止违法行为，限期完成整改，并安排专人跟踪督办。",
            "已立案查处，责令停产整治，整改完成后组织验收。",
            "已拆除违法设施，恢复原状，并建立长效监管机制。",
            "已督促企业完善污染防治设施，经监测排放达标。",
        ])
    return {"investigation": inv, "truth": truth, "handling": handling,
            "accountability": rng.choice(["无", "对相关责任人进行约谈。", "对镇分管负责人进行诫勉谈话。"])}


PROGRESS = ["已召开专题会议，制定“一案一策”整改方案，明确责任人和完成时限。",
            "现场整改工作有序推进，已完成阶段性任务，市协调联络组跟踪督办。",
            "已完成设施改造主体工程，正在进行调试。", "已清运废渣约三百吨，剩余部分正在处置。",
            "整改任务已全部完成，申请验收。", "已再次组织清运，正在追查倾倒车辆。",
            "县政府主要负责人现场调度，要求倒排工期、按期销号。", "第三方监测结果显示指标稳定达标。"]
LOG_CONTENT = ["督察组来电要求报送第{n}批信访件办理情况", "市委办来电询问督察组行程安排",
               "{u}报送信访件办理结果{n}件", "接督察组通知，明日上午召开工作调度会",
               "群众来访反映{u}某企业夜间偷排，已登记并转{u}核查", "督察组要求补充报送{u}问题整改佐证材料",
               "{u}联络员来电咨询信访件办结报告格式", "市政府办转来督察组交办函一份，已呈领导阅示"]
