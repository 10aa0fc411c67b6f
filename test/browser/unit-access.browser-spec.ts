import { drained, phoneFor, validMessage } from '../utils/hub';
import { browserSuite } from './harness';

browserSuite('a unit in the console', (b) => {
  let staff: string;

  /** A case through the real pipeline, accepted and transferred to `unit`. */
  async function transferredTo(unit: string, content: string, n: number): Promise<string> {
    const res = await b.hub.http().post('/api/v1/channels/portal-zhujian/messages').send(validMessage({ content, phone: phoneFor(700 + n) })).expect(202);
    await drained(b.hub.db);
    const { body } = await b.hub.http().get(`/api/v1/query/${res.body.queryCode}`).expect(200);
    const act = (event: string, payload: object) =>
      b.hub.http().post(`/api/v1/cases/${body.caseNo}/actions/${event}`).set('Authorization', `Bearer ${staff}`).send(payload).expect(200);
    await act('accept', { category: '反映' });
    await act('transfer', { unit });
    return body.caseNo as string;
  }

  b.test('cannot open another unit’s case (未找到), while its own case opens', async (page) => {
    staff = await b.hub.userToken('staff');
    const zhujianCase = await transferredTo('市住建局', '凤凰谷小区电梯频繁停运，物业迟迟不维修。', 1);
    const jiaoyuCase = await transferredTo('市教育局', '实验中学新铺的塑胶跑道有刺鼻气味，请检测是否合格。', 2);
    await b.signIn(page, await b.user('unit', '市教育局'));

    const refused = await page.goto(b.url(`/console/cases/${zhujianCase}`));
    expect(refused?.status()).toBe(404);
    await page.getByRole('heading', { name: '未找到', level: 1 }).waitFor();
    expect(await page.getByText('凤凰谷小区电梯').count()).toBe(0);

    const own = await page.goto(b.url(`/console/cases/${jiaoyuCase}`));
    expect(own?.status()).toBe(200);
    await page.getByRole('heading', { name: `案件 ${jiaoyuCase}`, level: 1 }).waitFor();
    await page.getByText('塑胶跑道有刺鼻气味').first().waitFor();
  });
});
