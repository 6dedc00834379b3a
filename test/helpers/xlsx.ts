import { strToU8, zipSync } from 'fflate';

/** Builds a tiny .xlsx in memory: one sheet, optional shared strings, optional `x:` prefixes and junk entries. */
export function buildXlsx(options: {
  sheetData: string;
  shared?: string[];
  prefix?: string;
  trash?: boolean;
  dimension?: string;
  sheetName?: string;
}): Uint8Array {
  const p = options.prefix ? `${options.prefix}:` : '';
  const ns = options.prefix ? `xmlns:${options.prefix}` : 'xmlns';
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0" encoding="utf-8"?><${p}workbook ${ns}="${main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
        `<${p}sheets><${p}sheet name="${options.sheetName ?? 'QUINA'}" sheetId="5" r:id="rId7"/></${p}sheets></${p}workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' +
        '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>',
    ),
    'xl/worksheets/data.xml': strToU8(
      `<?xml version="1.0" encoding="utf-8"?><${p}worksheet ${ns}="${main}"><${p}dimension ref="${options.dimension ?? 'A1:U1'}"/>` +
        `<${p}sheetData>${options.sheetData}</${p}sheetData></${p}worksheet>`,
    ),
  };
  if (options.shared) {
    files['xl/sharedStrings.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${main}" count="${options.shared.length}">${options.shared.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`,
    );
  }
  if (options.trash) {
    files['[trash]/0000.dat'] = new Uint8Array([1, 2, 3, 0, 255]);
    files['[trash]/0001.dat'] = strToU8('<not xml');
  }
  return zipSync(files);
}
