/**
 * Finds the draw columns of a results file BY NAME, never by position: the operator's workbook,
 * luckyfive's own CSV, older Caixa exports (`1ª Dezena`, `Dezena1`, `Data do Sorteio`) and other
 * sites all name the same things differently. Names are compared lower-cased, without accents or
 * punctuation (`Nº Concurso` -> `no concurso`, `ball_1` -> `ball 1`).
 */
import { LuckyError } from '../errors.js';

export type TierKey = 5 | 4 | 3 | 2;

export type ColumnKey =
  | 'contest'
  | 'date'
  | 'ball_1'
  | 'ball_2'
  | 'ball_3'
  | 'ball_4'
  | 'ball_5'
  | `winners_${TierKey}`
  | `prize_${TierKey}`
  | 'accumulated_5'
  | 'revenue'
  | 'estimated_next'
  | 'accumulated_sao_joao'
  | 'winner_locations'
  | 'notes';

export const BALL_KEYS = ['ball_1', 'ball_2', 'ball_3', 'ball_4', 'ball_5'] as const;
export const REQUIRED_KEYS: readonly ColumnKey[] = ['contest', 'date', ...BALL_KEYS];

export interface ColumnMap {
  /** index into the rows of the header row */
  headerRow: number;
  header: string[];
  /** column index per recognised field */
  index: Partial<Record<ColumnKey, number>>;
  /** money columns whose values are integer centavos (`prize_5_cents`) rather than decimal reais */
  cents: Set<ColumnKey>;
}

/** `Nº Concurso` -> `no concurso`; `Acumulado ... São João` -> `acumulado ... sao joao`. */
export function normaliseHeader(name: string): string {
  return name
    .replace(/°/g, 'o')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const TIER_WORD: Record<string, TierKey> = { quina: 5, quadra: 4, terno: 3, duque: 2 };
const TIER = '(?:([2-5])(?: acertos| hits| numeros)?|(quina|quadra|terno|duque))';
const CENTS = '( cents)?';

interface Rule {
  /** the key, or a function of the match for tiered and numbered columns */
  key: ColumnKey | ((m: RegExpExecArray) => ColumnKey);
  re: RegExp;
  /** the capture group that says "values are centavos" */
  centsGroup?: number;
}

function tierOf(m: RegExpExecArray): TierKey {
  return m[1] !== undefined ? (Number(m[1]) as TierKey) : TIER_WORD[m[2]!]!;
}

/** Ordered: the São João accumulation is tested before the plain "acumulado". */
const RULES: readonly Rule[] = [
  { key: 'contest', re: /^(?:(?:n|no|nr|num|numero) (?:do |de )?)?(?:concurso|contest)(?: (?:n|no|nr|num|numero|number|id))?$|^(?:numero|num|no|nr)$/ },
  { key: 'date', re: /^(?:data|date|draw date|dt sorteio|data (?:do |de )?(?:sorteio|concurso)|data (?:da )?apuracao)$/ },
  { key: (m) => `ball_${m[1]}` as ColumnKey, re: /^(?:bola|ball|dezena|dez|numero|num|b|d) ?0?([1-5])(?:a|o)?$/ },
  { key: (m) => `ball_${m[1]}` as ColumnKey, re: /^0?([1-5])(?:a|o)? (?:bola|dezena|numero|ball)(?: sorteada)?$/ },
  {
    key: (m) => `winners_${tierOf(m)}`,
    re: new RegExp(`^(?:(?:numero|qtd|qt|quantidade|n) (?:de )?)?(?:ganhadores|ganhador|winners) (?:de |da )?${TIER}$`),
  },
  {
    key: (m) => `prize_${tierOf(m)}`,
    re: new RegExp(`^(?:valor (?:do |de )?)?(?:rateio|premio|prize)(?: por ganhador)? (?:de |da )?${TIER}${CENTS}$`),
    centsGroup: 3,
  },
  { key: 'accumulated_sao_joao', re: /^(?:.* )?(?:sao joao)(?: .*)?$/ },
  { key: 'accumulated_5', re: /^(?:valor )?(?:acumulado|accumulated)(?: (?:5 acertos|5|quina|para o proximo concurso))?( cents)?$/, centsGroup: 1 },
  { key: 'revenue', re: /^(?:arrecadacao|total revenue|revenue|arrecadacao total)( cents)?$/, centsGroup: 1 },
  { key: 'estimated_next', re: /^(?:estimativa|estimated)(?: (?:de )?(?:premio|prize))?(?: (?:(?:para o )?proximo concurso|next))?( cents)?$/, centsGroup: 1 },
  { key: 'winner_locations', re: /^(?:cidade(?: uf)?|cidades|uf|local|locais|municipio(?: uf)?|winner locations)$/ },
  { key: 'notes', re: /^(?:observacao|observacoes|obs|notes?|comments?)$/ },
];

/** The field a single header names, if any (and whether its money is in centavos). */
export function classifyHeader(name: string): { key: ColumnKey; cents: boolean } | undefined {
  const n = normaliseHeader(name);
  if (n === '') return undefined;
  for (const rule of RULES) {
    const m = rule.re.exec(n);
    if (!m) continue;
    const key = typeof rule.key === 'function' ? rule.key(m) : rule.key;
    return { key, cents: rule.centsGroup !== undefined && m[rule.centsGroup] !== undefined };
  }
  return undefined;
}

/** Maps one header row; the first column naming a field wins. */
export function mapHeader(header: readonly string[]): Pick<ColumnMap, 'index' | 'cents'> {
  const index: Partial<Record<ColumnKey, number>> = {};
  const cents = new Set<ColumnKey>();
  header.forEach((h, i) => {
    const c = classifyHeader(h);
    if (!c || index[c.key] !== undefined) return;
    index[c.key] = i;
    if (c.cents) cents.add(c.key);
  });
  return { index, cents };
}

const LABELS: Record<string, string> = { contest: 'contest (Concurso)', date: 'date (Data Sorteio)' };

/**
 * Finds the header row (the first of the first 10 non-empty rows naming a contest, a date and 5
 * balls) and maps its columns. Throws E_DATA_INVALID listing what was found and what is missing.
 */
export function detectColumns(rows: readonly string[][], label = 'file'): ColumnMap {
  let firstHeader: string[] | undefined;
  let firstMissing: ColumnKey[] = [];
  let seen = 0;
  for (let r = 0; r < rows.length && seen < 10; r++) {
    const row = rows[r]!;
    if (row.every((c) => c.trim() === '')) continue;
    seen++;
    const { index, cents } = mapHeader(row);
    const missing = REQUIRED_KEYS.filter((k) => index[k] === undefined);
    if (missing.length === 0) return { headerRow: r, header: row.map((c) => c.trim()), index, cents };
    if (!firstHeader) {
      firstHeader = row;
      firstMissing = missing;
    }
  }
  if (!firstHeader) throw new LuckyError('E_DATA_INVALID', `${label} is empty: no header row and no draws`);
  const found = Object.entries(mapHeader(firstHeader).index).map(([k, i]) => `${k}="${firstHeader[i]}"`);
  throw new LuckyError('E_DATA_INVALID', `${label} has no recognisable draw columns: it needs a contest, a date and 5 balls`, [
    `header: ${firstHeader
      .slice(0, 30)
      .map((h) => JSON.stringify(h.trim()))
      .join(', ')}${firstHeader.length > 30 ? ', ...' : ''}`,
    `recognised: ${found.length ? found.join(', ') : 'nothing'}`,
    `missing: ${firstMissing.map((k) => LABELS[k] ?? k.replace('_', ' ')).join(', ')}`,
  ]);
}
