import { drained } from '../utils/hub';
import { browserSuite } from './harness';

const QUERY_CODE = /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

browserSuite('a citizen in the browser', (b) => {
  b.test('comes from 市教育局’s portal, writes to the mailbox, follows the case with the query code and rates the reply', async (page) => {
    // The portal's link lands on the mailbox form, attributed to the portal.
    await page.goto(b.url('/go/portal-jiaoyu'));
    expect(page.url()).toBe(b.url('/mailbox?from=portal-jiaoyu'));
    await page.getByText('您从 市教育局 网站进入').waitFor();

    // Every field found by its label, as a screen reader or a keyboard user finds it.
    await page.getByLabel('标题（可不填）').fill('学校门口的斑马线');
    await page.getByLabel(/^留言内容/).fill('河东街道实验小学门口的斑马线已经磨损看不清，上学时车辆不减速，孩子过马路很危险，请尽快重新施划并设置减速标志。');
    await page.getByLabel('留言类别').selectOption('建议');
    await page.getByLabel(/^姓名/).fill('周晓燕');
    await page.getByLabel(/^手机号码/).fill('139 3590 7788');
    await page.getByLabel(/^电子邮箱/).fill('zxy@example.com');
    await page.getByLabel(/同意公开我的留言/).check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交留言' }).press('Enter')]);

    // The receipt: a receipt number and the query code.
    await page.getByRole('heading', { name: '留言已提交' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('您的留言已收到');
    const code = (await page.getByText(QUERY_CODE).textContent())?.trim() ?? '';
    expect(code).toMatch(QUERY_CODE);

    // Staff handle it (through the API): accepted, transferred to 市教育局, fed back, answered.
    await drained(b.hub.db);
    const { body: progress } = await b.hub.http().get(`/api/v1/query/${code}`).expect(200);
    const caseNo: string = progress.caseNo;
    const staff = await b.hub.userToken('staff');
    const unit = await b.hub.userToken('unit', '市教育局');
    const detail = await b.hub.http().get(`/api/v1/cases/${caseNo}`).set('Authorization', `Bearer ${staff}`).expect(200);
    expect(detail.body).toMatchObject({ channelId: 'portal-jiaoyu', title: '学校门口的斑马线', category: '建议' });
    const act = (token: string, event: string, body: object) =>
      b.hub.http().post(`/api/v1/cases/${caseNo}/actions/${event}`).set('Authorization', `Bearer ${token}`).send(body).expect(200);
    await act(staff, 'accept', { category: '建议', domain: '交通' });
    await act(staff, 'transfer', { unit: '市教育局' });
    await act(unit, 'submit_feedback', { result: '已协调交警部门重新施划斑马线。' });
    const reply = '您好！经市教育局协调，交警部门已于本周重新施划斑马线并设置了减速标志。感谢您的监督。';
    await act(staff, 'reply', { content: reply });

    // The citizen looks the case up with the code and sees the reply.
    await page.goto(b.url('/query'));
    await page.getByLabel(/^查询码/).fill(code);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '查询' }).click()]);
    await page.getByRole('heading', { name: '答复', exact: true }).waitFor();
    await page.getByText(reply).waitFor();
    expect(await page.getByText('已答复，等待评价').count()).toBeGreaterThan(0);

    // ... and rates it 满意.
    await page.getByRole('radio', { name: '满意', exact: true }).check();
    await page.getByLabel(/^意见/).fill('处理得很快，谢谢！');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交评价' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('感谢您的评价');
    await page.getByText('您的评价：满意').waitFor();
    expect(await page.getByRole('button', { name: '提交评价' }).count()).toBe(0); // rated once

    const after = await b.hub.http().get(`/api/v1/cases/${caseNo}`).set('Authorization', `Bearer ${staff}`).expect(200);
    expect(after.body.status).toBe('closed');
    expect(after.body.timeline.map((e: { type: string }) => e.type)).toContain('rate_satisfied');
  });
});
