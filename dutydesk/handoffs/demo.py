"""Demo data for the handoffs domain (used by `dutydesk init --demo`).

Twelve problems across units and every status, with progress, one accepted and closed with a
回头看, one 反弹 (reopened), some late and some due soon. Units come from the reference list,
so a city that edited its units still gets a working demo.
"""

from __future__ import annotations

import datetime as dt

from ..errors import UserError
from ..refdata import list_units
from ..store.db import Store
from .intake import create, next_problem_no
from .lifecycle import change_status
from .links import create_from_petition, petitions_table_exists
from .model import ACCEPTED, CLOSED, COMPLETED, TABLE
from .progress import add_progress
from .rechecks import recheck

# (source, description, category, deadline offset or None, target, measures, scenario)
PROBLEMS = [
    ("督察组交办", "城区一处黑臭水体反弹，沿岸雨污混流，群众多次反映水体发黑发臭。", "中期", 40,
     "消除黑臭，水体透明度、溶解氧等指标稳定达标。", "排查沿岸排口，实施雨污分流改造，开展清淤和生态补水。", "progress"),
    ("暗访发现", "工业园区内一家铸造企业废气无组织排放，车间外烟尘明显。", "短期", -5,
     "废气收集处理设施稳定运行，排放达标。", "责令停产整改，加装集气罩和布袋除尘设施，立案查处。", "late"),
    ("未督先查", "县级饮用水水源二级保护区内存在违规建设的养殖棚舍。", "中期", 3,
     "保护区内违规建筑全部拆除，恢复植被。", "逐户核实，依法拆除，拆后复绿，设立界标和警示牌。", "due_soon"),
    ("信访件", "城区一条美食街餐饮油烟直排，夜间噪声扰民。", "立行立改", -10,
     "油烟净化设施全部安装并正常使用，夜间噪声达标。", "逐店检查，限期安装油烟净化器，规范营业时间。", "completed"),
    ("督察反馈", "规模以下畜禽养殖场粪污处理设施不配套，雨季存在直排风险。", "长期坚持", None,
     "粪污资源化利用率稳步提高，杜绝直排。", "建立台账，分类整治，配套建设储粪池和沼液消纳地。", "progress"),
    ("督察组交办", "河道旁砂石加工场扬尘污染，物料露天堆放未覆盖。", "短期", 20,
     "物料全部入棚或覆盖，场区道路硬化、洒水降尘。", "责令限期整改，逾期未完成的依法关停。", "not_started"),
    ("暗访发现", "生活垃圾填埋场渗滤液调节池满溢，渗滤液外渗。", "中期", -2,
     "渗滤液全部收集处理，达标排放。", "扩容调节池，应急外运处理，修复防渗层。", "late_not_started"),
    ("未督先查", "废弃矿山生态修复进度滞后，裸露山体未复绿。", "长期坚持", 180,
     "完成矿山地质环境治理和植被恢复。", "编制修复方案，分年度实施，落实管护责任。", "progress"),
    ("督察组交办", "河道非法采砂，河床破坏严重。", "短期", -1,
     "非法采砂全部取缔，河床平整恢复。", "联合执法取缔非法采砂点，没收设备，修复河床。", "accepted"),
    ("督察反馈", "乡镇污水处理厂出水氨氮超标，配套管网不完善。", "中期", -20,
     "出水稳定达到一级A标准，管网覆盖主要集镇。", "更换工艺设备，新建截污管网，加强运维监管。", "closed"),
    ("暗访发现", "城郊结合部建筑垃圾和一般工业固废非法倾倒。", "短期", -30,
     "倾倒点全部清理，建立长效巡查机制。", "清运固废，追查倾倒来源，立案查处，设置视频监控。", "rebound"),
    ("未督先查", "在建工地扬尘防治措施不落实，车辆带泥上路。", "短期", 6,
     "工地落实“六个百分之百”防尘措施。", "责令整改，安装冲洗设施和扬尘在线监测，加密巡查。", "due_soon"),
]


def _pick_units(store: Store) -> tuple[list[str], list[str]]:
    units = list_units(store)
    local = [u.name for u in units if u.kind != "部门"] or [u.name for u in units]
    depts = [u.name for u in units if u.kind == "部门"] or local
    if not local:
        raise UserError("没有可用的单位，无法填入问题交办演示数据")
    return local, depts


def fill(store: Store, today: dt.date) -> str:
    """Fill realistic demo records around ``today``; return a short Chinese summary."""
    if store.scalar(f"SELECT COUNT(*) FROM {TABLE}"):
        return "问题交办：已有数据，未填入演示问题"
    local, depts = _pick_units(store)

    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    with store.write():
        for i, (source, desc, cat, due, target, measures, scenario) in enumerate(PROBLEMS):
            unit = local[i % min(5, len(local))]
            lead = depts[i % len(depts)] if i in (4, 7) else unit  # some problems are led by departments
            coop = "、".join(dict.fromkeys(d for d in (depts[i % len(depts)], depts[(i + 3) % len(depts)]) if d != lead))
            assigned = -45 if scenario in ("closed", "rebound") else -20
            hid = create(
                store, problem_no=next_problem_no(store, today.year), source=source, description=desc,
                region=unit, lead_unit=lead, coop_units=coop, owner=f"{'张李王刘陈杨赵黄周吴孙朱'[i]}某",
                owner_phone=f"0746-{8200000 + i * 111}", target=target, measures=measures,
                deadline=day(due) if due is not None else None, deadline_category=cat, assigned_on=day(assigned),
            )
            if scenario in ("not_started", "late_not_started"):
                continue
            add_progress(store, hid, "已召开专题会议，制定“一案一策”整改方案，明确责任人和完成时限。",
                         on=day(assigned + 2))
            if scenario in ("progress", "late", "due_soon"):
                add_progress(store, hid, "现场整改工作有序推进，已完成阶段性任务，市协调联络组跟踪督办。", on=day(-3))
                continue
            if scenario == "completed":
                change_status(store, hid, COMPLETED, on=day(-12))
                continue
            done = -8 if scenario == "accepted" else -30
            add_progress(store, hid, "整改任务已全部完成，申请验收。", on=day(done))
            change_status(store, hid, COMPLETED, on=day(done))
            change_status(store, hid, ACCEPTED, on=day(done + 4), by=depts[0],
                          basis="现场核查，整改到位，资料齐全。")
            if scenario == "accepted":
                continue
            change_status(store, hid, CLOSED, on=day(done + 8), by="市协调联络组",
                          basis="验收合格，公示10个工作日无异议，同意销号。")
            if scenario == "closed":
                recheck(store, hid, on=day(-3), checker="市协调联络组现场核查组",
                        finding="现场复核，设施运行正常，未发现反弹。", came_back=False)
            else:  # rebound
                recheck(store, hid, on=day(-4), checker="市协调联络组现场核查组",
                        finding="原倾倒点附近发现新倾倒的建筑垃圾，问题反弹。", came_back=True,
                        new_deadline=day(10))
                add_progress(store, hid, "已再次组织清运，正在追查倾倒车辆。", on=day(-2))
    _link_demo_petition(store)
    return f"问题交办 {len(PROBLEMS)} 个（含反弹 1 个、超期 2 个）"


def _link_demo_petition(store: Store) -> None:
    """If the petitions demo made petitions, turn one into a problem (来源 信访件)."""
    if not petitions_table_exists(store):
        return
    row = store.one("SELECT id FROM petitions WHERE deleted_at IS NULL AND id NOT IN "
                    "(SELECT petition_id FROM handoff_petitions) ORDER BY id LIMIT 1")
    if row is None:
        return
    try:
        create_from_petition(store, row["id"], deadline_category="短期")
    except UserError:  # a petition whose units this city does not have: the demo goes on without it
        pass
