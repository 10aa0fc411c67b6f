/** loggableUrl: no query strings, no query codes in logged URLs. */
import { loggableUrl } from './logging';

describe('loggableUrl', () => {
  test.each<[string | undefined, string]>([
    [undefined, ''],
    ['', ''],
    ['/health', '/health'],
    ['/api/v1/cases', '/api/v1/cases'],
    ['/api/v1/cases?search=张三&phone=13812345678', '/api/v1/cases'],
    ['/api/v1/auth/callback?token=secret', '/api/v1/auth/callback'],
    ['/?a=1', '/'],
    ['/api/v1/query/ABCD-EFGH-JKMN', '/api/v1/query/[code]'],
    ['/api/v1/query/abcdefghjkmn', '/api/v1/query/[code]'],
    ['/api/v1/query/ABCD-EFGH-JKMN?lang=zh', '/api/v1/query/[code]'],
    ['/api/v1/query/ABCD-EFGH-JKMN/attachments', '/api/v1/query/[code]/attachments'],
    ['/api/v1/query/ABCD%20EFGH%20JKMN', '/api/v1/query/[code]'],
    ['/api/v1/query/', '/api/v1/query/'],
    ['/api/v1/query', '/api/v1/query'],
    ['/api/v1/queryx/ABCD', '/api/v1/queryx/ABCD'],
    ['/other/api/v1/query/ABCD', '/other/api/v1/query/ABCD'],
  ])('%j → %j', (url, expected) => {
    expect(loggableUrl(url)).toBe(expected);
  });
});
