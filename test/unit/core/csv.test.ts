import { describe, expect, it } from 'vitest';
import { csvLine, encodeCsvCell } from '../../../src/core/csv.js';
import { csvCell } from '../../../src/cli/output.js';

describe('CSV cells', () => {
  it('[12.6.7] text cells that start a spreadsheet formula get a leading quote (OWASP); numbers are exempt', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const s of ['+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(s).replace(/^"/, '').startsWith("'"), JSON.stringify(s)).toBe(true);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1250)).toBe('-1250');
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('plain, text')).toBe('"plain, text"');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(null)).toBe('');
    expect(csvCell(['=x', 'y'])).toBe("'=x y");
    expect(encodeCsvCell('-5', true)).toBe('-5');
    expect(csvLine([-1, '=1', 'ok'])).toBe("-1,'=1,ok\n");
  });
});
