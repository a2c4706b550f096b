"""Demo data for the petitions domain (used by `dutydesk init --demo`), and a generator of
realistic petitions that the benchmarks reuse."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ..store.db import Store

# Towns by unit: enough variety that texts look like real complaints.
PLACES = {
    "零陵区": ["接履桥街道", "富家桥镇", "邮亭圩镇", "石山脚街道", "菱角塘镇", "黄田铺镇"],
    "冷水滩区": ["岚角山街道", "牛角坝镇", "普利桥镇", "伊塘镇", "花桥街街道", "上岭桥镇"],
    "祁阳市": ["黎家坪镇", "浯溪街道", "白水镇", "大村甸镇", "观音滩镇", "金洞镇"],
    "东安县": ["白牙市镇", "芦洪市镇", "井头圩镇", "紫溪市镇", "大庙口镇"],
    "双牌县": ["泷泊镇", "江村镇", "五里牌镇", "茶林镇"],
    "道县": ["濂溪街道", "白马渡镇", "梅花镇", "寿雁镇", "蚣坝镇"],
    "江永县": ["潇浦镇", "桃川镇", "粗石江镇", "上江圩镇"],
    "宁远县": ["舜陵街道", "天堂镇", "水市镇", "湾井镇", "太平镇"],
    "新田县": ["龙泉街道", "金盆圩乡", "骥村镇", "大坪塘乡"],
    "蓝山县": ["塔峰镇", "新圩镇", "所城镇", "土市镇", "楠市镇"],
    "江华瑶族自治县": ["沱江镇", "涛圩镇", "白芒营镇", "码市镇"],
    "金洞管理区": ["金洞镇", "凤凰乡"],
    "回龙圩管理区": ["回龙圩镇", "新屋地村"],
    "永州经济技术开发区": ["仁湾街道", "长丰园区", "凤凰园区"],
}
VILLAGES = ["东风村", "新塘村", "石桥村", "大洲村", "长冲村", "枫木村", "杨家村", "白水村", "黄泥塘村", "龙井村", "松柏村", "桥头村"]

# (污染类型, subjects, problems, impacts)
PROBLEMS = [
    ("水", ["养猪场", "养殖场", "造纸厂", "洗砂场", "屠宰场", "污水处理厂"],
     ["污水未经处理直排河道", "雨污不分，污水溢流进入水塘", "废水偷排至灌溉渠", "沉淀池渗漏，黑水流入小溪"],
     ["下游河水发黑发臭", "农田灌溉用水受到污染", "鱼塘的鱼大量死亡", "村民饮用水井变浑浊"]),
    ("大气", ["砖厂", "沥青搅拌站", "化工厂", "铸造厂", "生物质锅炉"],
     ["烟囱冒黑烟", "夜间偷偷排放刺鼻废气", "露天焚烧废旧轮胎", "除尘设施长期不运行"],
     ["周边居民不敢开窗", "气味刺鼻，老人小孩咳嗽不止", "晾晒的衣服被熏黑", "附近学校学生反映头晕"]),
    ("噪声", ["石材加工厂", "工地", "KTV", "搅拌站", "木材加工厂"],
     ["夜间施工噪声扰民", "机器轰鸣到凌晨", "大功率音响彻夜不停", "重型货车昼夜进出"],
     ["居民无法正常休息", "附近老人长期失眠", "影响学生学习", "多次投诉未得到解决"]),
    ("生态", ["采石场", "砂石场", "开发商", "采矿点"],
     ["非法开采破坏山体", "毁林开荒", "在河道内非法采砂", "侵占湿地填埋建设"],
     ["山体裸露水土流失严重", "河床下切堤岸垮塌", "大片林地被毁", "候鸟栖息地遭到破坏"]),
    ("土壤", ["冶炼厂", "电镀作坊", "废品回收站"],
     ["废渣随意堆放", "含重金属废水渗入农田", "危险废物露天堆存"],
     ["稻田减产", "土壤颜色异常", "担心种出的粮食重金属超标"]),
    ("餐饮油烟", ["烧烤店", "饭店", "夜宵摊"],
     ["油烟未经净化直排", "排烟口正对居民楼窗户", "占道经营油烟熏人"],
     ["楼上住户墙面被熏黑", "居民无法开窗通风", "气味难闻影响生活"]),
    ("垃圾", ["垃圾中转站", "垃圾填埋场", "村民小组"],
     ["生活垃圾长期堆积未清运", "渗滤液外溢", "垃圾在河边露天焚烧"],
     ["蚊蝇滋生臭气熏天", "渗滤液流入农田", "烟雾弥漫影响出行"]),
    ("扬尘", ["渣土车", "建筑工地", "水泥厂", "碎石场"],
     ["运输途中抛洒滴漏", "裸土未覆盖", "道路未洒水降尘", "粉尘无组织排放"],
     ["道路尘土飞扬", "周边房屋落满灰尘", "庄稼叶片上覆盖一层粉尘"]),
    ("畜禽养殖", ["养牛场", "养鸭场", "生猪养殖场"],
     ["粪污直接排入水塘", "在禁养区内违规养殖", "病死畜禽随意丢弃"],
     ["臭味弥漫整个村庄", "水塘水质恶化", "苍蝇成群"]),
]
COMPANIES = ["某", "一家", "宏达", "鑫源", "恒盛", "永兴", "华泰", "金龙", "顺发", "旺达"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢唐蒋邓"
GIVEN = ["建国", "秀英", "国平", "小红", "志强", "桂兰", "海军", "丽华", "春生", "明"]


@dataclass
class GeneratedPetition:
    unit: str
    types: list[str]
    content: str
    name: str
    phone: str
    address: str


def make_petition(rng: random.Random, units: list[str] | None = None, *, letter: bool = False) -> GeneratedPetition:
    unit = rng.choice(units or list(PLACES))
    town = rng.choice(PLACES.get(unit, ["城区"]))
    village = rng.choice(VILLAGES)
    ptype, subjects, problems, impacts = rng.choice(PROBLEMS)
    subject = rng.choice(COMPANIES) + rng.choice(subjects)
    extra = rng.random() < 0.3
    types = [ptype]
    opening = rng.choice(["来信反映", "反映", "举报"] if letter else ["来电反映", "反映", "群众反映", "举报"])
    text = f"{opening}{unit}{town}{village}{subject}{rng.choice(problems)}，{rng.choice(impacts)}"
    if extra:
        ptype2, subjects2, problems2, _ = rng.choice(PROBLEMS)
        if ptype2 != ptype:
            types.append(ptype2)
            text += f"；同时附近一家{rng.choice(subjects2)}还存在{rng.choice(problems2)}的问题"
    text += rng.choice(["。", "，希望尽快处理。", "，多次向当地反映未解决。", "，请求督察组督促整改。"])
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
    return GeneratedPetition(unit, types, text, name, phone, f"{unit}{town}{village}")


def fill(store: Store, today: dt.date) -> str:
    """Fill realistic demo records around ``today``; return a short Chinese summary."""
    from .batches import add_batch
    from .intake import PetitionInput, add_petition, resolve_units
    from .workflow import ResultInput, hand_over, publish, record_result

    if store.scalar("SELECT count(*) FROM batches"):
        return ""
    rng = random.Random(20240314)
    n_batches = 4
    batch_days = [today - dt.timedelta(days=d) for d in range(n_batches * 2, 0, -2)]
    total = 0
    earlier: list[tuple[int, GeneratedPetition, str]] = []
    with store.write():
        for i, day in enumerate(batch_days, 1):
            bid = add_batch(store, i, day)
            count = rng.randint(8, 14)
            received = day - dt.timedelta(days=1)
            for j in range(1, count + 1):
                letter = rng.random() < 0.25
                gen = make_petition(rng, letter=letter)
                phone_letter = "X" if letter else "D"
                case_no = f"{phone_letter}2HH{received:%Y%m%d}{i * 100 + j:04d}"
                repeat_of = ""
                if earlier and rng.random() < 0.12:
                    _, old, old_no = rng.choice(earlier)
                    again = old.content if old.content.startswith("再次") else "再次" + old.content
                    gen = GeneratedPetition(old.unit, old.types, again, gen.name, gen.phone, gen.address)
                    repeat_of = f"与{old_no}重复"
                pid = add_petition(store, bid, PetitionInput(
                    case_no=case_no, content=gen.content, unit=gen.unit, pollution_types=gen.types,
                    key_case=rng.random() < 0.15, repeat_of=repeat_of, petitioner_name=gen.name,
                    petitioner_phone=gen.phone, petitioner_address=gen.address))
                earlier.append((pid, gen, case_no))
                total += 1
                age = (today - day).days
                # Older batches are mostly handed over and answered; the newest is fresh.
                if i < n_batches or rng.random() < 0.6:
                    units = resolve_units(store, [gen.unit])
                    hand_over(store, pid, units[0], rng.choice([[], ["市生态环境局"], ["市生态环境局", "市自然资源局"]]),
                              day=day)
                # The oldest batch keeps its first two open: they are the overdue ones.
                close = (j > 2) if i == 1 else (age >= 4 and rng.random() < 0.75)
                if close:
                    closed = day + dt.timedelta(days=rng.randint(2, min(age, 6)))
                    truth = rng.choice(["属实", "属实", "基本属实", "部分属实", "不属实"])
                    counters = {}
                    if truth != "不属实":
                        counters = {"n_rectify": rng.randint(1, 2), "fine": rng.choice([0, 0, 0.5, 1.2, 3]),
                                    "n_penalty": rng.choice([0, 0, 1]), "n_interview": rng.choice([0, 0, 1, 2])}
                        if rng.random() < 0.1:
                            counters["n_accountable"] = 1
                    kind = "已办结" if rng.random() < 0.75 else "阶段性办结"
                    record_result(store, pid, ResultInput(
                        kind=kind, date=min(closed, today),
                        investigation=f"经{gen.unit}组织生态环境、自然资源等部门现场核查，{truth}。" + gen.content[2:30] + "……",
                        truth=truth,
                        handling="已责令立即停止违法行为，限期完成整改，并安排专人跟踪督办。" if truth != "不属实" else "经核查，反映问题不属实，已向信访人做好解释工作。",
                        accountability="对相关责任人进行约谈。" if counters.get("n_interview") else "无",
                        counters=counters))
                    if kind == "已办结" and age >= 6 and rng.random() < 0.6:
                        publish(store, [pid], min(closed + dt.timedelta(days=1), today))
    overdue = store.scalar(
        "SELECT count(*) FROM petitions WHERE status IN ('待交办','已交办') AND due_date < ?", [today.isoformat()])
    return f"信访件 {n_batches} 批 {total} 件（超期 {overdue} 件）"
