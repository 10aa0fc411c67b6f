/**
 * Realistic, varied citizen messages for the load generator: Chinese text about housing and
 * construction matters (the portal-zhujian channel) in Yuncheng's districts and counties, valid
 * mainland mobile numbers, names, and now and then a title, a category or isPublic.
 *
 * Deterministic (seeded PRNG), and generated once into a pool of ready-made request bodies, so the
 * load generator spends no time building messages while it measures.
 */

/** mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = ['盐湖区', '永济市', '河津市', '临猗县', '万荣县', '闻喜县', '稷山县', '新绛县', '绛县', '垣曲县', '夏县', '平陆县', '芮城县'];
const STREETS = ['解放路', '河东街', '人民北路', '圣惠路', '机场路', '学苑路', '条山街', '红旗西街', '中银大道', '槐东路', '凤凰北路', '禹都大道'];
const ESTATES = ['康馨苑', '锦绣花园', '凤凰城', '盐湖人家', '学府名邸', '御景湾', '河东花园', '金色家园', '幸福里', '安居小区', '和美苑', '东方明珠'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '胡', '郭', '何', '高', '林', '罗', '梁', '薛', '卫', '柴', '景'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '建华', '志强', '海燕', '晓东'];
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '177', '178', '180', '181', '186', '187', '188', '189', '191', '195', '198', '199'];
const CATEGORIES = ['咨询', '反映', '投诉', '建议', '求助'];

/** Openings, problems, details and requests; a message is one of each (sometimes more details). */
const OPENINGS = [
  '尊敬的领导您好！',
  '市长您好，',
  '您好，我是{place}{estate}的业主，',
  '领导好，我家住在{place}{street}附近，',
  '您好！我想反映一个问题。',
  '各位领导：',
  '我是{place}的一名普通市民，',
];
const PROBLEMS = [
  '我们小区的电梯从{month}月份开始就经常停运，已经困住过好几次老人和孩子。',
  '{estate}自交房以来一直没有办理不动产权证，开发商一拖再拖，始终给不出明确时间。',
  '{street}的道路施工每天夜里十一点以后还在作业，噪音非常大，严重影响周边居民休息。',
  '小区物业公司擅自把公共绿地改成收费停车位，业主多次反对都没有结果。',
  '今年冬季供暖温度一直达不到标准，室内只有十四五度，家里老人已经冻病了。',
  '我们楼顶在下雨天严重漏水，墙面发霉脱落，找物业维修了{times}次都没有修好。',
  '{estate}附近有人私搭乱建，占用消防通道，存在很大的安全隐患。',
  '我在{place}的一处工地干了{months}个月的活，工程结束后包工头一直拖欠工资不给。',
  '老旧小区改造工程进度很慢，楼道和管网挖开后就停工了，出行非常不便。',
  '小区的二次供水水箱长期没有清洗，自来水有明显异味，大家都不敢饮用。',
  '我们购买的商品房交付后发现面积比合同约定少了{area}平方米，开发商不予理睬。',
  '公租房申请已经提交{months}个月了，一直没有任何消息，也不知道该向哪里询问进度。',
];
const DETAILS = [
  '我们已经多次拨打物业电话，对方总是说在协调，却始终没有实际行动。',
  '社区和街道办也反映过，答复说不归他们管。',
  '这个问题已经持续了很长时间，周围邻居意见都很大。',
  '我们有相关的照片和录音可以提供。',
  '小区里住着很多老人和孩子，安全问题让人非常担心。',
  '上个月曾经向{unit}打过电话，到现在也没有人来现场查看。',
  '按照合同约定，开发商应当在{month}月底前完成整改。',
  '希望有关部门能够重视，不要再互相推诿。',
];
const REQUESTS = [
  '恳请相关部门尽快核实处理，谢谢！',
  '希望领导能够督促有关单位尽快解决，给我们一个答复。',
  '请问这种情况应该找哪个部门办理？需要准备哪些材料？',
  '建议住建部门加强监管，定期检查。',
  '盼复，万分感谢！',
  '希望能在{month}月份之前给出处理意见。',
];
const UNITS = ['市住建局', '区住建局', '物业管理科', '12345热线', '街道办事处'];
const TITLES = ['电梯故障问题', '不动产权证办理', '夜间施工扰民', '物业侵占绿地', '供暖不达标', '房屋漏水', '违章建筑', '拖欠工资', '老旧小区改造', '二次供水', '房屋面积缩水', '公租房申请进度'];

export interface CitizenMessage {
  content: string;
  phone: string;
  name?: string;
  title?: string;
  category?: string;
  isPublic?: boolean;
}

export function generateMessages(count: number, seed = 20251126): CitizenMessage[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const fill = (s: string): string =>
    s
      .replace(/\{place\}/g, () => pick(PLACES))
      .replace(/\{street\}/g, () => pick(STREETS))
      .replace(/\{estate\}/g, () => pick(ESTATES))
      .replace(/\{unit\}/g, () => pick(UNITS))
      .replace(/\{month\}/g, () => String(1 + Math.floor(rnd() * 12)))
      .replace(/\{months\}/g, () => String(2 + Math.floor(rnd() * 10)))
      .replace(/\{times\}/g, () => String(2 + Math.floor(rnd() * 6)))
      .replace(/\{area\}/g, () => (1 + rnd() * 8).toFixed(1));

  const out: CitizenMessage[] = [];
  for (let i = 0; i < count; i++) {
    const problem = Math.floor(rnd() * PROBLEMS.length);
    const parts = [fill(pick(OPENINGS)), fill(PROBLEMS[problem])];
    const details = Math.floor(rnd() * 4); // 0–3 detail sentences: bodies from ~60 to ~250 characters
    for (let d = 0; d < details; d++) parts.push(fill(pick(DETAILS)));
    parts.push(fill(pick(REQUESTS)));
    const msg: CitizenMessage = {
      content: parts.join(''),
      phone: pick(MOBILE_PREFIXES) + String(Math.floor(rnd() * 1e8)).padStart(8, '0'),
    };
    if (rnd() < 0.85) msg.name = pick(SURNAMES) + pick(GIVEN);
    if (rnd() < 0.4) msg.title = TITLES[problem];
    if (rnd() < 0.5) msg.category = pick(CATEGORIES);
    if (rnd() < 0.3) msg.isPublic = rnd() < 0.5;
    out.push(msg);
  }
  return out;
}

/**
 * An endless stream of request bodies: the generated messages in turn, each with a phone number
 * never used before in the run (a counter in its last eight digits), so no two requests are the
 * same citizen sending the same text (which the hub would link as duplicates, 并单). The JSON is
 * serialized once per template; a body costs one small Buffer.concat while the load runs.
 */
export class MessageStream {
  private readonly templates: { head: Buffer; tail: Buffer }[];
  private counter = 0;

  constructor(templates: number, seed?: number) {
    this.templates = generateMessages(templates, seed).map(({ phone, ...rest }) => {
      const others = JSON.stringify(rest).slice(1); // without the opening brace
      return { head: Buffer.from(`{"phone":"${phone.slice(0, 3)}`, 'utf8'), tail: Buffer.from(`"${others === '}' ? '' : ','}${others}`, 'utf8') };
    });
  }

  /** Bodies sent so far. */
  get sent(): number {
    return this.counter;
  }

  next(): Buffer {
    const n = this.counter++;
    const t = this.templates[n % this.templates.length];
    return Buffer.concat([t.head, Buffer.from(String(n % 1e8).padStart(8, '0'), 'latin1'), t.tail]);
  }
}
