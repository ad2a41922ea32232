"""What a figure counts: its subject, read from the words before the number or after the unit,
or carried from the clause before when the figure's own clause names nothing ("已建成公共厕所
42座，其余8座…", "本月新增210万元", "较年初新增3.1万人")."""

from __future__ import annotations

import functools
import re

from taizhang.chinese.quantities.numbers import (
    _CLAUSE_BREAKS,
    _DATE,
    _QUOTES,
    _bracketed,
    _clause_end,
    _clause_start,
    _Figure,
    _sentence_end,
    _sentence_start,
)
from taizhang.chinese.quantities.units import Quantity, _family


def _longest_first(words: str) -> tuple[str, ...]:
    """Space-separated words as a tuple, longest first, so prefixes never shadow longer words."""
    return tuple(sorted(words.split(), key=len, reverse=True))


# Words that open a clause without naming anything (stripped from the readable subject).
# 其余/剩余/其中/本月/较年初… leave the noun to the clause before.
_LEADING_FILLERS = _longest_first(
    "目前 截至目前 截止目前 现已 已经 已有 已 累计 共计 总计 合计 共有 共 今年以来 今年 年内 全年 "
    "计划 拟 预计 力争 确保 其中 约 再 另 仅 还 并 均 为 在 全市 全区 全县 同时 此外 实际 "
    "截至 截止 "
    "分别 "
    "另有 还有 尚有 仍有 本月 当月 上月 本周 本季度 较年初 较上月 较去年 较上年 "
    "比年初 同比 环比 围绕 按照 对照 紧扣 下一步 将 建成后 项目建成后 投用后 项目投用后 可 全部 "
    "均已 基本 "
    "并网发电 并网 在建 "
    # Adverbs of how or when a verb was done: "临时查封42家", "依法关停3家", "先后帮扶26户".
    "临时 依法 先后 陆续 分批 及时"
)
# Words between a subject and its number ("覆盖率达到41%", "服务不少于8万人次").
_YUE_WORDS = "签履预节合违解特公条制邀"
_TRAILING_FILLERS = _longest_first(
    "约 近 大约 将近 接近 达到 达 为 是 到 至 共 计 共计 合计 累计 总计 不少于 不低于 不超过 不足 "
    "超过 逾 提高到 提高至 提升到 提升至 增加到 增至 已 了 已完成 完成了 完成 有 仅 全部 由 分别 "
    "突破 约占 基本 同比 环比 控制在 保持在 稳定在 维持在 超 "
    "降至 降到 下降到 下降至 降低到 降低至 压减至 压降至"
)
# 约 (about) is no filler inside a word: 签约, 履约, 预约, 节约 …; nor is 为 (违法行为, 作为).
_TRAILING_PATTERN = re.compile(
    "(?:"
    + "|".join(map(re.escape, _TRAILING_FILLERS))
    .replace("约", f"(?<![{_YUE_WORDS}])约")
    .replace("为", "(?<![行作认成因])为")
    + ")*\\Z"
)
# The characters the trailing fillers end with: a segment ending otherwise keeps its end.
_TRAILING_LAST = frozenset(word[-1] for word in _TRAILING_FILLERS)
# Verbs and modifiers that may open a subject; dropped for matching ("年度完成投资" -> "投资").
_LEADING_VERBS = _longest_first(
    "新建和改建 新改建 改扩建 新建 改建 扩建 新增 改造提升 巩固提升 改造 提升 建设 建成 完成 实施 "
    "开展 推进 打通 铺设 安装 更新 新购置 购置 拆除 发放 招聘 招录 培训 服务 惠及 带动 扶持 提供 "
    "可容纳 容纳 覆盖 投入 配备 整治 排查 收集 办结 办理 接待 减免 清理 引进 争取 落实 实现 启动 "
    "开工 完工 签订 签约 招引 招商 改善 规划 涉及 拨付 年度 本年度 和 及 与 、 "
    "开工建设 启动建设 开建 动工 竣工 交付 交付使用 投用 投入使用 投入运行 开通 建成投用 建成开通 "
    "进场施工 施工 在建 到位 安装到位 接入 封顶 验收 开放 运行 运营 主体 追加 再 新打 栽植 补植 "
    "其余 剩余 剩下 "
    "并网发电 并网 兑付 治理 完成治理 关停取缔 关停 取缔 整改提升 整改 落地开工 落地 "
    "采购 采购到位 调试 安装调试 优化 调整 优化调整 新开 投产 竣工投产 建成投产 入库 纳统 "
    "入库纳统 通过 通过验收 主体工程 归集 调用 通水 通电 通气 投运 上线 入住 搬迁入住 交付入住 "
    # What a report says was done to what it counts (认定, 发证, 受理, 化解, 销号, 安置 …): a cut at
    # 已 before them keeps the noun ("经营主体已认定46家"), a clause of them alone carries it.
    "认定 发证 颁证 核发 筹集 筹建 受理 化解 调解 调解成功 调处 销号 安置 封堵 取缔封堵 "
    "挂牌 授牌 挂牌督办 督办 备案 注册 登记 确权 救助 慰问 清运 关闭 处置 处理 查处 立案 结案 "
    "摸排 核查 核实 审核 认证 命名 评定 评选 创建 申报 收储 出让 分配 配租 复垦 腾退 搬迁 消除 "
    "修复 下达 支付 兑现 落户 入驻 投放 检测 检查 抽检 抽查 巡查 办复 答复 转办 交办 吸纳 帮扶 "
    "资助 救治 征收 回收 移交 接收 注销 撤销 吊销 收缴 追回 挽回 种植 造林 办件 更换 维修 "
    "走访 审批 批准 批复 核准 核验 录入 采集 建档 建档立卡 对接 推送 到账 联网 配置 敷设 转运 "
    "收运 清淤 疏浚 加固 装修 检验 体检 筛查 接种 诊疗 转移就业 返岗 孵化 培育 遴选 推荐 表彰 "
    "颁发 复工 达产 试运行 停运 退出 淘汰 翻建 重建 回迁 交房 配售 管护 查封 扣押 封停 "
)
# Where a subject read after the unit stops ("两座泵站已浇筑完成" -> 泵站).
_AFTER_STOPS = _longest_first(
    "的 已 正在 正 均 全部 基本 主体 开工 完工 建成 投用 投入 进行 进场 开展 完成 发放 提供 建立 "
    "对 免 实施 将 未 尚 仍 等 和 及 共 计划 预计 拟 达 为 占 是 提高 提升 增加 增长 降低 下降 "
    "减少 并 且 同时 均已 全面 合计 共计 累计 通过 投产 通水 通电 通气 投运 上线 运行 调试 "
    "因 由于"
)
# The first of _AFTER_STOPS (longest first) that stands at a position, tried in their order.
_AFTER_STOP_AT = re.compile("|".join(map(re.escape, _AFTER_STOPS)))
# Stops that open a predicate, never a noun: "3所已建成", "5个正在施工", "8个均已投用".
_PREDICATE_STOPS = frozenset(
    _longest_first(
        "已 正在 均 均已 全部 将 尚 仍 并 且 同时 等 的 累计 合计 共计 预计 拟 占 是 免 实施 进行 "
        "开展 完成 建成 开工 完工 投用 投入 进场 发放 提供 建立 增加 增长 降低 下降 减少 由"
    )
)
# Words that hold a stop inside them ("4个公共文化空间" is not cut at 共).
_WORDS_WITH_STOPS = ("公共", "总共")
# Nouns that open with a stop: "2.1万名城乡低保对象" is not cut at 对, "25个和美乡村示范村" at 和.
_NOUNS_OPENING_WITH_STOPS = ("对象", "和美", "和谐", "共享", "共建", "等级")
_SCOPE_WORDS = ("工程", "项目")
_BOUNDS = ("以上", "以下", "以内")
# An age between a count and its noun: "3.8万名0至6岁儿童", "2万名60周岁以上老人".
_AGE = re.compile(r"[0-9]+(?:[至到~-][0-9]+)?周?岁(?:以上|以下)?")
# A rate that the reader left out stays out of the next subject: "按每户600元标准发放补贴".
_RATE_PREFIX = re.compile(r"^.*(?:每|[户人亩]均)[^每]*?[0-9.]+[千万亿]?元(?:的)?(?:标准)?")
# Every match of _DATE holds one of these (年, 月, 日/号, 季度, 前/以前/之前, 以来): a segment
# without any holds no date, and is not scanned for one.
_DATE_CHARACTER = re.compile("[年月日号季前来]")
_MAX_SUBJECT = 12
# What joins the values of a 分别 list: "81.2%和96.5%", "6120人、1480人".
_VALUE_JOINTS = ("、", "和", "及", "与", "，", ",", "以及")
# What a percentage of change says happened: "分别下降18.6%、22.3%" names no noun of its own.
_CHANGES = ("下降", "增长", "提高", "降低", "减少", "增加", "上升")
_CHANGE_IN_POINTS = re.compile(
    r"([^，,；;。]{2,}?)(?:[较比](?:上年|去年|年初|上月)(?:同期)?|同比|环比)?"
    r"(?:提高|提升|上升|增长|增加|下降|降低|减少)了?"
    r"[0-9.一二两三四五六七八九十]+个百分点[，,]"
)
_PLAN_WORDS_AT_END = re.compile(r"(?:计划|预计|拟|力争|将|于|在|到|至)+\Z")
# Openers that report how the work goes or where a figure comes from, and name nothing:
# "进展顺利", "据统计", "经核查", "总体推进有序", "（项目）正在有序推进".
_NO_NOUN_OPENER = re.compile(
    r"^(?:据|经|根据)[^，,]{0,4}\Z|^(?:总体|整体|目前|当前|现|在)|方面\Z"
    r"|(?:工作)?(?:进展|进度|推进|运行|实施)?(?:顺利|良好|正常|平稳|有序|较快|迅速)\Z"
    r"|(?:正在|已)?(?:有序|稳步|扎实|加快|全面|积极|持续|正常)?(?:推进|实施|进行)(?:中)?\Z"
)
_SCOPE_ALONE = ("总长", "全长", "总长度", "总投资", "总面积", "总建筑面积", "总规模")
_CN_DIGIT_SET = frozenset("零〇一二两三四五六七八九十百千万")
# The work done for those a figure counts, after them: "…家庭实施适老化改造", "…儿童开展窝沟封闭".
_WORK_FOR = re.compile(r"(?:实施|开展|进行)([^，,；;。、\d]{2,8}?)(?:工作|服务)?(?=[，,；;。]|\Z)")
# The next item of a noun list after a count: words without a number up to the next break.
_NO_LIST_ITEM = re.escape(_CLAUSE_BREAKS) + "0-9" + "".join(sorted(_CN_DIGIT_SET))
_LIST_ITEM = re.compile(rf"[^{_NO_LIST_ITEM}]+(?=[、，,；;。]|\Z)")
_VERB_AND_COMMA = re.compile(r"([^\W\d]{1,4})、")
_AMONG = re.compile(r"([^，,；。]{2,14})中[，,]")
_REMAINDER = ("其余", "剩余", "剩下", "其中", "另有", "本月", "当月", "较年初")
# What opens a predicate, not a noun, after a count of the rest: a cause, a wait, a step.
_PREDICATE_OPENERS = (
    "受", "待", "因", "由于", "按", "进入", "纳入", "列入", "转入", "处于", "暂缓", "延期", "推迟",
)  # fmt: skip


def _subject(text: str, figure: _Figure, previous: _Figure | None, inherited: str) -> str:
    """Readable name of what a figure counts, read before the number or after the unit."""
    if figure.noun:  # "8.6万农村人口"
        return figure.noun
    floor = previous.end if previous is not None else 0
    if previous is not None and text[floor : figure.start] in ("的", "、", "）的", ")的"):
        # "完成年度目标3.2万人的91.9%": a share of the figure before; "惠及居民1.2万户、4.5万人":
        # the next value of a list of figures.
        return inherited
    bracket = _bracketed(text, figure.start, figure.end)
    if bracket > floor:
        # "占年度任务（120台）": a figure alone in brackets gives the size of the noun before.
        return _trim_before(text[_clause_start(text, bracket, floor) : bracket])[-_MAX_SUBJECT:]
    clause = _clause_start(text, figure.start, floor)
    while clause - 1 > floor and text[clause - 1] == "、":
        clause = _clause_start(text, clause - 1, floor)  # "外墙保温、屋面防水改造12万平方米"
    # "18家危险化学品企业已完成安全改造15家": a part after 已 of the whole just before it counts
    # what the whole counts, so the noun before 已 stays with the work.
    part = (
        clause == floor
        and previous is not None
        and _family(previous.unit) == _family(figure.unit)
        and "已" in text[floor : figure.start]
    )
    before = _trim_before(text[clause : figure.start], keep_noun=part)
    if clause > floor and text[clause - 1] in "）)" and not _key(before):
        # "自动体外除颤器（AED）100台": the noun stands before the bracket.
        opened = max(text.rfind("（", floor, clause), text.rfind("(", floor, clause))
        if opened > floor:
            before = _trim_before(text[_clause_start(text, opened, floor) : opened])
    after, linked = _after_unit(text, figure.end)
    if not after and not _key(before):
        # "为3.2万名未成年人提供…", "12个对口帮扶村已…": a noun may open with a stop word.
        noun, linked = _after_unit(text, figure.end, past_stop=True)
        after = noun if len(noun) >= 3 and _key(noun) else ""
    if figure.unit.endswith("元") and _key(before) and _key(after) != after:
        # "投资1.55亿元新建高标准农田项目5个": what follows is what the money does.
        after = ""
    if before.endswith("等") and after:  # "湨河等30公里水系治理": the list names places
        name = after
    elif before.endswith("等"):  # "其中轮椅、助行器等1160件": the list names what is counted
        name = before[:-1]
    elif before.endswith("的"):  # "今年计划建设的10座中转站"
        name = after or before[:-1]
    elif after and _says_what_becomes(text, figure, previous, before, after):
        # "其余54处落实管控措施", "剩余6个待验收", "…，4个进入绿化种植阶段": no noun, a predicate.
        name = before
    elif after and not linked:  # "4个景区", "完成68个行政村": what follows is what is counted
        generic = after in ("任务", "目标", "目标任务", "工作任务")  # "改造户厕1.2万户任务"
        name = after if _key(before) and not generic else before + after
    elif after:  # "改善215万平方米的供热质量"
        name = before + after
    else:
        name = before or (inherited if clause == floor and previous is not None else "")
    plain = name.translate(_QUOTES)
    quoted = name.rfind("“") if name.endswith("”") else -1
    if len(plain) > _MAX_SUBJECT and quoted > 0 and _key(name[:quoted]):
        # "餐饮单位接入“互联网+明厨亮灶”4620家": too long a name loses the quoted programme at its
        # end, not the noun at its start.
        plain = name[:quoted].translate(_QUOTES)
    return plain[-_MAX_SUBJECT:]


def _says_what_becomes(
    text: str, figure: _Figure, previous: _Figure | None, before: str, after: str
) -> bool:
    """Whether the words after the unit say what becomes of the rest rather than name it: after
    其余/剩余 a verb, a cause or a wait ("其余54处落实管控措施", "剩余7座因选址调整…", "剩余6个待
    验收"); after a bare count following a figure of its sentence only a cause or a wait ("4个进入
    绿化种植阶段")."""
    if _key(before):
        return False
    waits = after.startswith(_PREDICATE_OPENERS)
    if before.startswith(_REMAINDER[:3]):
        return waits or _key(after) != after
    same_sentence = previous is not None and previous.start >= _sentence_start(text, figure.start)
    return not before and same_sentence and waits


def _respective(text: str, figures: list[_Figure], index: int) -> str:
    """The noun a "分别" list gives the figure at `index`: "签约率、履约率分别为81.2%和96.5%" gives
    81.2% 签约率 and 96.5% 履约率, the n-th value the n-th noun; "" when the figure is no value
    of such a list, or the values name their own noun ("分别新建学校3所、5所")."""
    figure = figures[index]
    at = text.rfind("分别", max(0, figure.start - 40), figure.start)
    sentence = _sentence_start(text, figure.start) if at >= 0 else 0
    if at < sentence:
        return ""
    first = index
    while first > 0 and figures[first - 1].start > at:
        if text[figures[first - 1].end : figures[first].start] not in _VALUE_JOINTS:
            return ""  # not the next value of the list: "…分别完成12个、8个，新增5个"
        first -= 1
    own = _key(_trim_before(text[at + 2 : figures[first].start]))
    if own and own not in _CHANGES:
        return ""
    listed = text[max(sentence, _list_start(text, at)) : at]
    nouns = [
        _trim_before(noun)
        for noun in re.split("[、和及与]" if "、" not in listed else "、", listed)
    ]
    order = index - first
    if len(nouns) < 2 or order >= len(nouns) or not all(map(_key, nouns)):
        return ""
    return nouns[order][-_MAX_SUBJECT:]


def _list_start(text: str, position: int) -> int:
    """Where the clause holding `position` starts when 、 does not end a clause."""
    return max(text.rfind(mark, 0, position) for mark in "，,：:；;。") + 1


def _antecedent(
    text: str,
    figure: _Figure,
    nouns: dict[str, tuple[int, str]],
    wholes: dict[str, tuple[int, str]] | None = None,
) -> str:
    """The noun a clause leaves out: "新建公共厕所30座，改造提升20座" -> 公共厕所,
    "已建成公共厕所42座，其余8座" -> 公共厕所, "新建的口袋公园中，已有21个建成开放" -> 口袋公园.

    It is the subject, without its verbs, of the nearest earlier figure of the same sentence
    (or the sentence before, after 其余/剩余/其中/本月…) and unit family; else the noun of an
    earlier "…中，" clause of the sentence. `nouns` holds, by unit family, where the last earlier
    figure naming something starts and its subject's key.
    """
    sentence = _sentence_start(text, figure.start)
    # 其余/剩余/其中 look back one sentence more: "已建成公厕42座。其余8座正在装修。"
    head = text[_clause_start(text, figure.start) : figure.start]
    reach = _sentence_start(text, sentence - 1) if head.startswith(_REMAINDER) else sentence
    start, noun = nouns.get(_family(figure.unit), (-1, ""))
    whole_start, whole = (wholes or {}).get(_family(figure.unit), (-1, ""))
    if start >= reach and whole_start >= reach and head.startswith(_REMAINDER[:3]):
        # The rest counts what the whole counts: "38个签约项目已开工24个，其余14个" -> 签约项目,
        # though the part's noun lost 签约 to its verb (项目开工).
        return noun if whole in noun else whole
    if start >= reach:
        return noun
    if figure.unit == "%":
        # "报销比例提高5个百分点，达到70%": the level reached is that of the noun that changed.
        clause = _clause_start(text, figure.start, sentence)
        change = _CHANGE_IN_POINTS.fullmatch(
            text, _clause_start(text, clause - 1, sentence), clause
        )
        if clause > sentence and change:
            return _key(_trim_before(change.group(1)))
    among = _among(text, sentence)
    if among and among.end() <= figure.start:
        return _key(_trim_before(among.group(1)).rsplit("的", 1)[-1])
    return _opening_noun(text, sentence)


def _with_owner(text: str, figure: _Figure, subject: str) -> str:
    """A scope word alone ("总长12公里", "总投资35亿元") names whose scope it is from the
    sentence's noun-only opening clause: "城区污水管网改造，总长12公里" -> 城区污水管网改造总长."""
    if _key(subject) not in _SCOPE_ALONE:
        return subject
    return _opening_noun(text, _sentence_start(text, figure.start)) + subject


@functools.lru_cache(maxsize=64)
def _opening_noun(text: str, sentence: int) -> str:
    """The noun of a sentence's opening clause when it holds no number and names a thing
    ("老旧小区改造，已完成85%" -> 老旧小区改造); "" for openers that name nothing (进展顺利,
    据统计, 截至目前, 总体推进有序)."""
    clause_end = _clause_end(text, sentence)
    if text[clause_end : clause_end + 1] not in ("，", ",", "：", ":"):
        return ""
    words = text[sentence:clause_end]
    if any(c.isdigit() for c in words) or _CN_DIGIT_SET.intersection(words):
        return ""
    noun = _key(_trim_before(_NO_NOUN_OPENER.sub("", words)))
    return noun[-_MAX_SUBJECT:] if len(noun) >= 2 else ""


@functools.lru_cache(maxsize=64)
def _among(text: str, sentence: int) -> re.Match[str] | None:
    """The first "…中，" clause of the sentence starting at `sentence` ("12个乡镇中，")."""
    return _AMONG.search(text, sentence, _sentence_end(text, sentence))


# The words before a number recur across the cells of a ledger ("目前已完成投资", "新建"): each
# is trimmed once.
@functools.lru_cache(maxsize=4096)
def _trim_before(segment: str, *, keep_noun: bool = False) -> str:
    """The words before a number without dates, project names and filler words; `keep_noun`
    keeps the noun before a cut at 已 even when verbs and a noun follow it."""
    dates = list(_DATE.finditer(segment)) if _DATE_CHARACTER.search(segment) else []
    if dates:
        rest = segment[dates[-1].end() :]
        # A date that would leave only verbs keeps the noun before it: "养老服务中心计划年底前
        # 再建成" -> 养老服务中心再建成.
        first = len(dates) - 1  # the run of dates ending with the last ("年底" + "前")
        while first and dates[first - 1].end() == dates[first].start():
            first -= 1
        head = segment[dates[first - 1].end() if first else 0 : dates[first].start()]
        head = _PLAN_WORDS_AT_END.sub("", _strip_trailing(head))
        verbs_only = not _key(_strip_trailing(_strip(rest, _LEADING_FILLERS)))
        segment = head + rest if verbs_only and _key(head) else rest
    if "元" in segment:  # a rate names its money
        segment = _RATE_PREFIX.sub("", segment)
    # The subject follows the last 的 or adverb inside the words: "…适应症的儿童", "补贴已对接商户".
    # A cut that leaves only verbs keeps the noun before it: "集中供暖覆盖率已达", "住房已开建".
    cuts = [segment.rfind(word, 0, len(segment) - 1) for word in ("的", "已", "正在")]
    inner = max(
        (cut + (2 if segment.startswith("正在", cut) else 1) for cut in cuts if cut >= 0), default=0
    )
    rest = segment[inner:]
    # After 已 / 正在 comes a verb: one word alone (at most two characters: 已走访, 已复垦) is the
    # verb, whatever it is, and names nothing.
    done = _strip_trailing(rest)
    work = "" if len(done) <= 2 and segment[inner - 1 : inner] != "的" else _key(done)
    if inner and segment[inner - 1] != "的" and (keep_noun or not work):
        word = 2 if segment.startswith("正在", inner - 2) else 1
        segment = segment[: inner - word] + (work or rest)  # "…企业已完成安全改造" -> …企业安全改造
    else:
        segment = rest
    for scope in _SCOPE_WORDS:
        # "玉阳湖工业供水工程年度完成投资": the project name ends where an adverb or verb starts.
        cut = segment.rfind(scope)
        rest = segment[cut + len(scope) :]
        if cut >= 0 and _key(rest) and _key(rest) != rest:
            segment = rest
    return _strip_trailing(_strip(segment, _LEADING_FILLERS))


def _strip_trailing(segment: str) -> str:
    """`segment` without the filler words at its end ("覆盖率达到" -> 覆盖率)."""
    if segment[-1:] not in _TRAILING_LAST:
        return segment  # no filler ends it (nor, then, the empty segment)
    return segment[: _TRAILING_PATTERN.search(segment).start()]  # type: ignore[union-attr]


def _after_unit(text: str, end: int, *, past_stop: bool = False) -> tuple[str, bool]:
    """The noun right after a unit, and whether 的 links it ("215万平方米的供热质量");
    `past_stop` reads on past a stop word right after the unit that may open a noun (未成年人,
    对口帮扶村, 共同富裕, 基本农田), not past 已, 正在, 均 and other words of a predicate."""
    for bound in _BOUNDS:
        if text.startswith(bound, end):
            end += len(bound)
    linked = text.startswith("的", end)
    start = end + linked
    age = _AGE.match(text, start)
    start = stop = _past_verb_list(text, age.end() if age else start)
    if _DATE.match(text, start):  # "剩余4公里年底前完工": a date, not a noun
        return "", linked
    if past_stop:
        found = _AFTER_STOP_AT.match(text, start)
        opener = found.group() if found else ""
        if not opener or opener in _PREDICATE_STOPS:
            return "", linked
        stop += len(opener)
    while stop < len(text) and stop - start < _MAX_SUBJECT:
        char = text[stop]
        if char == "、" and stop > start and _LIST_ITEM.match(text, stop + 1):
            # "3860名高血压、糖尿病患者": the count counts the whole list, its head noun last.
            stop += 1
            continue
        if char in _CLAUSE_BREAKS or char.isdigit():
            break
        if (
            text.startswith(_AFTER_STOPS, stop)
            and not text.startswith(_WORDS_WITH_STOPS, stop - 1)
            and not text.startswith(_NOUNS_OPENING_WITH_STOPS, stop)
        ):
            break
        stop += 1
    noun = text[start:stop]
    if noun.endswith("中") and text[stop : stop + 1] in ("，", ","):  # "12个乡镇中，已有10个"
        noun = noun[:-1]
    work = _WORK_FOR.match(text, stop) if noun else None
    if work:  # "为1500户困难家庭实施适老化改造": the families and the work done for them
        noun += work.group(1)
    return noun, linked


def _past_verb_list(text: str, position: int) -> int:
    """`position` moved past verbs joined by 、 ("14所新建、改扩建学校" -> at 改扩建): the noun
    they share comes after the last of them."""
    while (verb := _VERB_AND_COMMA.match(text, position)) and not _key(verb.group(1)):
        position = verb.end()
    return position


def _strip(words: str, openers: tuple[str, ...]) -> str:
    """`words` without any of `openers` at its start, repeatedly (the first of `openers` that
    fits each time, as they are longest first)."""
    # The fillers' pattern is looked up by identity: hashing their tuple of a hundred words
    # for the cache cost more than the match.
    pattern = _FILLERS_RUN if openers is _LEADING_FILLERS else _openers_pattern(openers)
    return words[pattern.match(words).end() :]  # type: ignore[union-attr]


# Openers that are no filler or verb inside a word: 可容纳人数, 可供, 和美乡村, 和谐, 共享, 共建.
# 临时 is an adverb before a verb (临时查封) but opens the nouns 临时救助, 临时用地, 临时安置房.
_OPENER_GUARDS = {
    "可": "可(?!容纳|供)", "和": "和(?!美|谐)", "共": "共(?!享|建)",
    "临时": "临时(?!救助|用地|安置|性|工)",
}  # fmt: skip


@functools.cache
def _openers_pattern(openers: tuple[str, ...]) -> re.Pattern[str]:
    # An alternation tries its words in order, as the loop it replaces did, in C.
    words = (_OPENER_GUARDS.get(word, re.escape(word)) for word in openers)
    return re.compile("(?:" + "|".join(words) + ")*")


_FILLERS_RUN = _openers_pattern(_LEADING_FILLERS)

# A verb with only one character after it makes a noun with it: 安置房, 救助站, 检查站, 开工率.
_OPENING_VERBS = re.compile(
    "(?:(?:"
    + "|".join(_OPENER_GUARDS.get(verb, re.escape(verb)) for verb in _LEADING_VERBS)
    + r")(?![^\W\d_]\Z))*"
)


@functools.lru_cache(maxsize=4096)
def _key(subject: str) -> str:
    """A subject reduced for matching: fillers and opening verbs dropped, but not a verb that
    makes a noun with the one character after it (安置房, 救助站)."""
    while True:
        shorter = _strip(subject, _LEADING_FILLERS)
        shorter = shorter[_OPENING_VERBS.match(shorter).end() :]  # type: ignore[union-attr]
        if shorter == subject:
            return subject
        subject = shorter


def _same(one: Quantity, other: Quantity) -> bool:
    return (one.value, one.unit, _key(one.subject)) == (
        other.value,
        other.unit,
        _key(other.subject),
    )
