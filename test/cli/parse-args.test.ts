import { describe, expect, it } from 'vitest';
import { parseCount, parseNumber, parseNumberList, parsePort, parsePositive } from '../../src/cli/parse-args.js';

describe('the one CLI number parser', () => {
  it.each([
    ['0', 0], ['-0.5', -0.5], ['+3', 3], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['2.5E-1', 0.25],
  ])('reads the decimal %s as %d', (text, v) => {
    expect(parseNumber(text, '--x')).toBe(v);
  });

  it.each(['0x10', '0b1', '0o7', '', ' ', ' 5', '5 ', 'abc', 'NaN', 'Infinity', '-Infinity', '1_000', '1,5', '1e', '--1', '5mm'])('refuses %j naming the option (no hex, NaN or blanks)', (text) => {
    expect(() => parseNumber(text, '--x')).toThrowError(expect.objectContaining({ code: 'INPUT_INVALID', field: '--x' }));
  });

  it('checks ranges, integers and exclusive minimums', () => {
    expect(() => parseNumber('1e400', '--x')).toThrowError(expect.objectContaining({ field: '--x' }));
    expect(() => parsePositive('0', '--time-scale', 100)).toThrowError(expect.objectContaining({ field: '--time-scale', limit: 'decimal, 0 < value <= 100' }));
    expect(parsePositive('100', '--time-scale', 100)).toBe(100);
    expect(() => parseCount('1.5', '--max-resumes', 20)).toThrowError(expect.objectContaining({ field: '--max-resumes' }));
    expect(() => parseCount('-1', '--max-resumes', 20)).toThrowError(expect.objectContaining({ field: '--max-resumes' }));
    expect(() => parsePort('65536', '--port')).toThrowError(expect.objectContaining({ field: '--port', limit: 'integer, 0 <= value <= 65535' }));
    expect(parsePort('0', '--port')).toBe(0);
  });

  it('reads lists element by element with the same rules: 0x10 in a pose is refused, not read as 16', () => {
    expect(parseNumberList('1, -2.5,3', '--isocenter', 3)).toEqual([1, -2.5, 3]);
    expect(() => parseNumberList('0x10,0,0,0,0,0', '--pose', 6)).toThrowError(expect.objectContaining({ field: '--pose', actual: '"0x10"' }));
    expect(() => parseNumberList('1,,3', '--isocenter', 3)).toThrowError(expect.objectContaining({ field: '--isocenter' }));
    expect(() => parseNumberList('1,2', '--isocenter', 3)).toThrowError(expect.objectContaining({ field: '--isocenter' }));
  });
});
