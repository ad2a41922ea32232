"""What the corpus ledgers say: task texts, units, leaders, deadline phrases with the dates they
stand for, progress paragraphs, status words. Modelled on published county and city ledgers
(see README.md); the texts are written afresh, none is copied. Every deadline phrase carries its
expected reading by hand (the ground truth), never a reading by Taizhang's own parser."""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACES = ("清河县", "安平县", "永宁区", "长乐市", "河阳市", "济水县", "东川区", "临泉县", "桐乡市")

# Leaders: two-character names are padded to three in Word and WPS tables ("王  伟").
LEADERS = (
    "王伟",
    "李拴根",
    "张宏义",
    "侯波",
    "谭江",
    "刘建军",
    "陈晓东",
    "赵敏",
    "孙立平",
    "周海涛",
    "吴红梅",
    "郑国强",
    "马俊",
    "杨帆",
    "何志远",
)

UNITS = {
    "minsheng": (
        "卫健委",
        "教体局",
        "民政局",
        "人社局",
        "医保局",
        "住建局",
        "水利局",
        "城管局",
        "残联",
        "妇联",
        "文广旅局",
        "市场监管局",
    ),
    "project": (
        "发改委",
        "住建局",
        "交通运输局",
        "水利局",
        "自然资源局",
        "生态环境局",
        "城投公司",
        "交投集团",
        "工信局",
        "供电公司",
        "产业集聚区管委会",
        "财政局",
    ),
    "report": (
        "发改委",
        "财政局",
        "商务局",
        "工信局",
        "科技局",
        "农业农村局",
        "自然资源局",
        "生态环境局",
        "应急管理局",
        "市场监管局",
        "行政审批局",
        "统计局",
    ),
    "rural": (
        "农业农村局",
        "乡村振兴局",
        "水利局",
        "交通运输局",
        "自然资源局",
        "林业局",
        "供销社",
        "各乡镇（街道）",
        "生态环境局",
        "文广旅局",
    ),
}

# Goal templates per theme; {a} {b} {c} are filled with numbers.
GOALS = {
    "minsheng": (
        "新建、改扩建公办幼儿园{a}所，新增学位{b}个。",
        "实施城乡供水一体化工程，新铺设供水管网{a}公里，惠及群众{c}万人。",
        "改造城镇老旧小区{a}个，涉及居民{b}户。",
        "新建社区养老服务中心{c}个，建设老年助餐点{a}个。",
        "为{a}名困难重度残疾人提供居家托养服务。",
        "完成{a}所中小学校厕所改造和{c}所学校食堂提升。",
        "开展城乡居民“两癌”免费筛查{b}人。",
        "新增城镇就业{b}人，开展职业技能培训{b}人次。",
        "建设口袋公园{a}个，新增城市绿地{c}万平方米。",
        "新增公共停车泊位{a}个，建设新能源汽车充电桩{b}个。",
        "启用妇女儿童医院，完成中医院二期扩建，新增床位{a}张。",
        "实施农村公路提质改造{a}公里，新改建桥梁{c}座。",
        "为全县{b}名适龄女生免费接种HPV疫苗。",
        "建设标准化菜市场{c}个，改造提升背街小巷{a}条。",
        "新建城市书房{c}个，开展送戏下乡{b}场。",
        "完成{a}个行政村生活污水治理，建设污水处理站{c}座。",
    ),
    "project": (
        "东环路快速通道建设项目，全长{a}公里，总投资{c}亿元。",
        "城区污水处理厂提标改造工程，设计规模日处理{a}万吨。",
        "中心城区供热管网改造工程，新建热网{a}公里。",
        "产业集聚区标准化厂房建设项目，建筑面积{a}万平方米。",
        "人民医院东院区建设项目，规划床位{a}张。",
        "北部供水工程，新建水厂{c}座、输水管线{a}公里。",
        "玉阳湖生态修复工程，治理水面{a}公顷。",
        "高铁站前广场及配套路网工程，总投资{c}亿元。",
        "职业教育园区建设项目，占地{a}亩。",
        "220千伏变电站新建工程，主变容量{a}万千伏安。",
        "老城区雨污分流改造工程，改造管网{a}公里。",
        "智慧城市运营中心建设项目，总投资{c}亿元。",
        "冷链物流园建设项目，新建冷库{a}万吨。",
        "城市综合管廊二期工程，建设管廊{a}公里。",
        "滨河公园提升改造工程，改造面积{a}万平方米。",
    ),
    "report": (
        "全年地区生产总值增长{c}%左右。",
        "规模以上工业增加值增长{c}%以上。",
        "固定资产投资增长{c}%，新开工亿元以上项目{a}个。",
        "社会消费品零售总额增长{c}%。",
        "一般公共预算收入增长{c}%。",
        "新增市场主体{b}户，其中企业{a}户。",
        "引进亿元以上招商项目{a}个，实际利用外资{c}亿美元。",
        "新认定高新技术企业{a}家，科技型中小企业{b}家。",
        "完成造林绿化{a}万亩，森林覆盖率达到{p}%。",
        "PM2.5平均浓度控制在{a}微克/立方米以内。",
        "深化“放管服”改革，政务服务事项网上可办率达到{a}%。",
        "完成高标准农田建设{a}万亩，粮食产量稳定在{a}万吨以上。",
        "开展安全生产专项整治三年行动，生产安全事故起数下降{c}%。",
        "盘活闲置低效用地{a}亩，完成土地出让{b}亩。",
    ),
    "rural": (
        "完成{a}个村人居环境整治提升，创建美丽乡村示范村{c}个。",
        "新建改建农村户用卫生厕所{a}座。",
        "发展特色种植基地{a}亩，培育农民专业合作社{b}家。",
        "巩固拓展脱贫攻坚成果，监测帮扶对象{a}户。",
        "实施村级集体经济提升工程，集体经济收入超{a}万元的村达到{c}个。",
        "建设农村公益性公墓{a}处。",
        "完成{c}条河道清淤疏浚，整治坑塘{a}处。",
        "新建高效节水灌溉面积{a}万亩。",
        "开展农村电商进村服务，建设村级服务站点{a}个。",
        "完成{a}个村庄规划编制。",
    ),
}

# What a sub-item does, after its name.
SUB_ACTIONS = (
    "年内建成投用",
    "完成主体工程并通过竣工验收",
    "新增供水能力{c}万吨/日",
    "改造面积{a}万平方米",
    "完成投资{b}万元",
    "完成前期手续并开工建设",
    "完成招标并进场施工",
    "惠及群众{b}户",
)
# Sub-item names (the parts of a task), per theme.
SUB_GOALS = {
    "minsheng": (
        "城东第二幼儿园新建工程",
        "实验小学附属幼儿园改扩建",
        "北部供水工程",
        "玉阳湖工业供水工程",
        "南部岭区供水工程",
        "人民路片区老旧小区改造",
        "纺织厂家属院改造",
        "城南社区养老服务中心",
        "滨河社区老年助餐点",
        "妇女儿童医院启用",
        "中医院二期扩建",
    ),
    "project": (
        "东环路一期（北段）",
        "东环路二期（南段）",
        "一号热源厂至新区主管网",
        "老旧供热管网改造",
        "污水处理厂主体工程",
        "配套管网工程",
        "站前广场工程",
        "站前路及三条支路",
        "1号、2号标准化厂房",
        "3号至6号标准化厂房",
    ),
    "report": (
        "工业投资",
        "基础设施投资",
        "民间投资",
        "省重点项目",
        "城乡居民医保参保",
        "新增减税降费",
        "“一网通办”事项",
        "企业开办时间压减",
    ),
    "rural": (
        "东岭村人居环境整治",
        "西河村美丽乡村示范村",
        "南沟村改厕",
        "北坡村集体经济项目",
        "清水河清淤疏浚",
        "柳沟河坑塘整治",
    ),
}

PROGRESS = (
    "已完成投资{a}万元，占年度计划的{p}%。",
    "主体工程完成{p}%，正在进行内部装修。",
    "已完成可研批复和初步设计，正在开展招标工作。",
    "已开工{a}个，完成{c}个，其余正在推进前期手续。",
    "已完成{a}人，完成年度任务的{p}%。",
    "项目已完成施工图审查，施工单位已进场，正在进行基础施工。",
    "环评、林地可行性报告已编制完成，水土保持报告已通过专家评审。",
    "已累计完成{a}公里，其中{c}公里已通水运行。",
    "已完成选址和规划设计，土地手续正在报批。",
    "已建成投用{a}个，剩余{c}个正在进行设备安装调试。",
    "资金已全部拨付到位，共计{a}万元。",
    "已召开专题推进会{c}次，协调解决问题{a}个。",
    "受征地拆迁影响，进度慢于预期，已列入县级协调事项。",
    "已完成年度目标，正在组织验收。",
)

REMARKS = (
    "已纳入省重点项目",
    "需协调用地指标",
    "资金缺口{a}万元",
    "县委常委会议定事项",
    "人大代表建议办理",
    "市级督办事项",
    "已申请专项债",
    "涉及跨部门协调",
)

# Status words as offices write them, with the code each stands for.
WORDS = (
    ("正在推进", "in_progress"),
    ("已完成", "completed"),
    ("推进缓慢", "lagging"),
    ("未启动", "not_started"),
    ("序时推进", "in_progress"),
    ("进度滞后", "lagging"),
)
SYMBOLS = (("√", "completed"), ("○", "in_progress"), ("△", "lagging"), ("×", "not_started"))
COLOURS = (
    ("绿灯", "in_progress"),
    ("黄灯", "lagging"),
    ("红灯", "lagging"),
    ("绿", "in_progress"),
    ("黄", "lagging"),
    ("红", "lagging"),
)
PHRASES = (
    ("在建", "in_progress"),
    ("已开工", "in_progress"),
    ("超序时", "in_progress"),
    ("已竣工", "completed"),
    ("已完工", "completed"),
    ("已投用", "completed"),
    ("建成投用", "completed"),
    ("未开工", "not_started"),
    ("滞后", "lagging"),
    ("慢于序时", "lagging"),
)
# Cells in a status column that say no status: kept as the label, status None.
NOT_STATUS = ("待核实", "详见附件", "另行报告")


@dataclass(frozen=True)
class Deadline:
    """A deadline cell (`{y}` the ledger's year, `{n}` the next) and its clauses' expected
    reading: (clause text, month, day or None for the month's last day, years after {y})."""

    text: str
    clauses: tuple[tuple[str, int, int | None, int], ...] = ()


def _d(
    text: str, *clauses: tuple[str, int, int | None] | tuple[str, int, int | None, int]
) -> Deadline:
    return Deadline(text, tuple((*c, 0) if len(c) == 3 else c for c in clauses))


PLAIN_DEADLINES = (
    _d("{y}年12月31日", ("{y}年12月31日", 12, 31)),
    _d("{y}年6月底前", ("{y}年6月底前", 6, None)),
    _d("年底前", ("年底前", 12, None)),
    _d(
        "6月底前完成主体工程，年底前投入使用",
        ("6月底前完成主体工程", 6, None),
        ("年底前投入使用", 12, None),
    ),
    _d("三季度末", ("三季度末", 9, None)),
    _d("上半年", ("上半年", 6, None)),
    _d("8月份开工建设", ("8月份开工建设", 8, None)),
    _d("10月底前", ("10月底前", 10, None)),
    _d("{y}年9月底", ("{y}年9月底", 9, None)),
    _d("{y}年11月30日前", ("{y}年11月30日前", 11, 30)),
    _d(
        "5月底前完成选址，9月底前开工建设，年底前主体完工。",
        ("5月底前完成选址", 5, None),
        ("9月底前开工建设", 9, None),
        ("年底前主体完工", 12, None),
    ),
    _d("年内", ("年内", 12, None)),
    _d("12月中旬", ("12月中旬", 12, 20)),
    _d("第三季度", ("第三季度", 9, None)),
)
# No date: recurring or open-ended duties.
UNDATED_DEADLINES = (_d("长期坚持"), _d("持续推进"), _d("每月10日前报送进展"))
# Clause numbering (①②, （1）, (1), 一是, 1.): the marker is no part of a date, and the
# milestone's text is the clause without its marker.
CLAUSE_DEADLINES = (
    _d(
        "①6月底前完成招标；②年底前建成投用",
        ("6月底前完成招标", 6, None),
        ("年底前建成投用", 12, None),
    ),
    _d(
        "①5月底前完成设计②10月底前主体完工",
        ("5月底前完成设计", 5, None),
        ("10月底前主体完工", 10, None),
    ),
    _d(
        "（1）3月底前完成方案编制；（2）9月底前全面完成",
        ("3月底前完成方案编制", 3, None),
        ("9月底前全面完成", 9, None),
    ),
    _d(
        "(1)4月底前启动；(2)11月底前完成验收",
        ("4月底前启动", 4, None),
        ("11月底前完成验收", 11, None),
    ),
    _d(
        "一是6月底前完成清查，二是年底前完成整改",
        ("6月底前完成清查", 6, None),
        ("年底前完成整改", 12, None),
    ),
    _d("1.6月底前完成招标；2.年底前完工", ("6月底前完成招标", 6, None), ("年底前完工", 12, None)),
    _d(
        "①3月底前完成选址；②7月底前开工；③12月底前完成主体",
        ("3月底前完成选址", 3, None),
        ("7月底前开工", 7, None),
        ("12月底前完成主体", 12, None),
    ),
)
# 汛期前: the documented default, 5月31日 of the ledger's year.
FLOOD_DEADLINES = (
    _d("汛期前", ("汛期前", 5, 31)),
    _d("汛期前完成河道清淤", ("汛期前完成河道清淤", 5, 31)),
)
# A year after the ledger's: kept as written.
NEXT_YEAR_DEADLINES = (
    _d("{n}年6月底前", ("{n}年6月底前", 6, None, 1)),
    _d("{y}年开工，{n}年底建成", ("{y}年开工", 12, None), ("{n}年底建成", 12, None, 1)),
    _d("{n}年3月底前", ("{n}年3月底前", 3, None, 1)),
)


def fill(template: str, rng: random.Random) -> str:
    """A template with its number slots filled: {a} 2-60, {b} 100-9000, {c} 1-12, {p} 20-95."""
    return template.format(
        a=rng.randint(2, 60), b=rng.randint(100, 9000), c=rng.randint(1, 12), p=rng.randint(20, 95)
    )


def pick(items: tuple[str, ...], rng: random.Random) -> str:
    """One template, filled."""
    return fill(rng.choice(items), rng)


def progress(rng: random.Random, paragraphs: int = 1) -> str:
    """A progress cell of one or more paragraphs (joined by newlines)."""
    return "\n".join(fill(t, rng) for t in rng.sample(PROGRESS, paragraphs))
