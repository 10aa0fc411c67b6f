/** Masking and free-text redaction of citizens' personal data. Pure functions. */
import { maskCitizen, maskEmail, maskIdNumber, maskName, maskPhone, redactText } from './masking';

describe('maskName', () => {
  test.each([
    ['', '*'],
    ['张', '*'],
    ['张三', '张*'],
    ['李小龙', '李**'],
    ['欧阳娜娜', '欧***'],
    ['阿卜杜拉·买买提', '阿***'], // never more than three stars: the length is not revealed
    ['𠀀二', '𠀀*'], // a character outside the BMP counts as one
    ['Li', 'L*'],
  ])('%j → %j', (input, expected) => {
    expect(maskName(input)).toBe(expected);
  });
});

describe('maskPhone', () => {
  test.each([
    ['13812345678', '138****5678'],
    ['03592688888', '035****8888'],
    ['1234567', '123****4567'],
    ['123456', '******'],
    ['110', '***'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});

describe('maskEmail', () => {
  test.each([
    ['zhang.san@example.com', 'z***@example.com'],
    ['a@b.cn', 'a***@b.cn'],
    ['mayor@yuncheng.gov.cn', 'm***@yuncheng.gov.cn'],
    ['@example.com', '***'],
    ['not-an-email', '***'],
    ['', '***'],
  ])('%j → %j', (input, expected) => {
    expect(maskEmail(input)).toBe(expected);
  });
});

describe('maskIdNumber', () => {
  test.each([
    ['140802199001011234', '1408**********1234'],
    ['14080219900101123X', '1408**********123X'],
    ['140802900101123', '1408*******1123'], // old 15-digit numbers
    ['123456789', '1234*6789'],
    ['12345678', '********'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(maskIdNumber(input)).toBe(expected);
  });
});

describe('maskCitizen', () => {
  test.each([
    [
      'all fields',
      { name: '张三', phone: '13812345678', email: 'zhang.san@example.com', idNumber: '14080219900101123X' },
      { name: '张*', phone: '138****5678', email: 'z***@example.com', idNumber: '1408**********123X' },
    ],
    ['only a phone', { phone: '13812345678' }, { name: undefined, phone: '138****5678', email: undefined, idNumber: undefined }],
    ['nothing', {}, { name: undefined, phone: undefined, email: undefined, idNumber: undefined }],
  ])('%s', (_, input, expected) => {
    expect(maskCitizen(input)).toEqual(expected);
  });

  test('does not modify its input', () => {
    const input = { name: '张三', phone: '13812345678' };
    maskCitizen(input);
    expect(input).toEqual({ name: '张三', phone: '13812345678' });
  });
});

describe('redactText removes personal data from free text', () => {
  test.each([
    ['a mobile number', '我的电话是13812345678，请联系。', '我的电话是138****5678，请联系。'],
    ['a mobile number with +86', '电话+8613812345678', '电话138****5678'],
    ['a mobile number with 86', '电话8613812345678', '电话138****5678'],
    ['a mobile number after +86 and a space', '电话 +86 15912345678', '电话 159****5678'],
    ['two mobile numbers', '手机13812345678和19987654321', '手机138****5678和199****4321'],
    ['an 18-digit ID number', '身份证号140802199001011234。', '身份证号1408**********1234。'],
    ['an ID number ending in X', '身份证14080219900101123X，', '身份证1408**********123X，'],
    ['an ID number ending in x', 'ID 14080219900101123x.', 'ID 1408**********123x.'],
    ['an email', '邮箱zhang.san@example.com谢谢', '邮箱z***@example.com谢谢'],
    ['a landline with a 4-digit area code', '座机0359-2688888转人工', '座机0359-****转人工'],
    ['a landline with a 3-digit area code', '电话010-12345678。', '电话010-****。'],
    ['a landline without a dash', '电话03592688888', '电话0359****'],
    [
      'everything at once',
      '张三，电话13812345678，身份证14080219900101123X，邮箱zs@qq.com，座机0359-2688888',
      '张三，电话138****5678，身份证1408**********123X，邮箱z***@qq.com，座机0359-****',
    ],
  ])('%s', (_, input, expected) => {
    const out = redactText(input);
    expect(out).toBe(expected);
    expect(out).not.toBe(input);
  });

  test.each([
    ['a year', '2025年我家小区一直没有供暖。'],
    ['a date', '2025年10月01日至2025-10-08'],
    ['a time', '每天22:30以后施工噪音'],
    ['a house number', '盐湖区解放路3号楼2单元501室'],
    ['an amount', '拖欠工资12000元至今未付'],
    ['a large amount', '涉及金额100000000元'],
    ['a postcode', '邮编044000'],
    ['a ten-digit number', '第1380000000号文件'],
    ['a 12-digit number', '订单号201812345678'],
    ['a 20-digit number', '编号20250101123456789012'],
    ['text without numbers', '请尽快处理，谢谢！'],
    ['empty text', ''],
  ])('leaves %s alone', (_, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('redactText: numbers written with separators or full-width digits', () => {
  test.each([
    ['电话138 1234 5678', '电话138****5678'],
    ['138-1234-5678 谢谢', '138****5678 谢谢'],
    ['+86 138 1234 5678', '138****5678'],
    ['+86 13812345678', '138****5678'],
    ['１３８１２３４５６７８', '138****5678'],
    ['(0359)2688888', '(0359)****'],
    ['0359 2688888', '0359 ****'],
    ['2025年3号楼12000元', '2025年3号楼12000元'],
  ])('%s → %s', (input, output) => {
    expect(redactText(input)).toBe(output);
  });
});
