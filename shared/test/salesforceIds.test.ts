/** The Salesforce id helpers the service, the connector and the emulator share. */
import { describe, expect, it } from 'vitest';
import {
  canonicalSalesforceId,
  caseSafeId,
  looksLikeSalesforceId,
  orgKey,
  sameOrg,
  sameSalesforceId,
} from '../salesforceIds.ts';

describe('Salesforce ids', () => {
  it('turns 15-character ids into their case-safe 18-character form', () => {
    expect(caseSafeId('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(caseSafeId('00D000000000001')).toBe('00D000000000001EAA');
    expect(caseSafeId('Abcdeabcdeabcde')).toBe('AbcdeabcdeabcdeBAA');
    expect(caseSafeId('abcdEabcdeABCDE')).toBe('abcdEabcdeABCDEQA5');
    expect(caseSafeId('00D000000000001AAA')).toBe('00D000000000001AAA');
  });

  it('canonical form: the suffix recomputed from the first 15 characters', () => {
    expect(canonicalSalesforceId('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(canonicalSalesforceId('001A0000006Vm9rxxx')).toBe('001A0000006Vm9rIAC');
  });

  it('compares orgs and records on their case-sensitive 15 characters', () => {
    expect(orgKey('00D000000000001EAA')).toBe('00D000000000001');
    expect(sameOrg('00D000000000001', '00D000000000001EAA')).toBe(true);
    expect(sameOrg('00D000000000001', '00d000000000001')).toBe(false);
    expect(sameSalesforceId('001A0000006Vm9r', '001A0000006Vm9rIAC')).toBe(true);
    expect(sameSalesforceId('001A0000006Vm9rIAC', '001A0000006Vm9rIAC')).toBe(true);
    expect(sameSalesforceId('001A0000006Vm9s', '001A0000006Vm9rIAC')).toBe(false);
    expect(looksLikeSalesforceId('0LQ5g0000000001', '0LQ')).toBe(true);
    expect(looksLikeSalesforceId('0LQ5g0000000001AAA', '0LQ')).toBe(true);
    expect(looksLikeSalesforceId('00D5g0000000001', '0LQ')).toBe(false);
    expect(looksLikeSalesforceId('0LQ5g00000000', '0LQ')).toBe(false);
  });
});
