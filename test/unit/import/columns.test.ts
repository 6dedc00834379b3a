import { describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { classifyHeader, detectColumns, mapHeader, normaliseHeader } from '../../../src/import/columns.js';

const OPERATOR_HEADER = [
  'Concurso',
  'Data Sorteio',
  'Bola1',
  'Bola2',
  'Bola3',
  'Bola4',
  'Bola5',
  'Ganhadores 5 acertos',
  'Cidade / UF',
  'Rateio 5 acertos',
  'Ganhadores 4 acertos',
  'Rateio 4 acertos',
  'Ganhadores 3 acertos',
  'Rateio 3 acertos',
  'Ganhadores 2 acertos',
  'Rateio 2 acertos',
  'Acumulado 5 acertos',
  'Arrecadacao Total',
  'Estimativa Premio',
  'Acumulado Sorteio Especial Quina de São João',
  'observação',
];
const CLEAN_CSV_HEADER =
  'contest,draw_date,b1,b2,b3,b4,b5,winners_5,prize_5,winners_4,prize_4,winners_3,prize_3,winners_2,prize_2,accumulated_5,total_revenue,estimated_prize_next,accumulated_sao_joao,winner_locations,notes'.split(
    ',',
  );

describe('column detection by name', () => {
  it('normalises case, accents, ordinals and punctuation', () => {
    expect(normaliseHeader('  Nº Concurso ')).toBe('no concurso');
    expect(normaliseHeader('1ª Dezena')).toBe('1a dezena');
    expect(normaliseHeader('Acumulado Quina de São João')).toBe('acumulado quina de sao joao');
    expect(normaliseHeader('ball_1')).toBe('ball 1');
  });

  it("maps every column of the operator's workbook", () => {
    const { index } = mapHeader(OPERATOR_HEADER);
    expect(index).toEqual({
      contest: 0,
      date: 1,
      ball_1: 2,
      ball_2: 3,
      ball_3: 4,
      ball_4: 5,
      ball_5: 6,
      winners_5: 7,
      winner_locations: 8,
      prize_5: 9,
      winners_4: 10,
      prize_4: 11,
      winners_3: 12,
      prize_3: 13,
      winners_2: 14,
      prize_2: 15,
      accumulated_5: 16,
      revenue: 17,
      estimated_next: 18,
      accumulated_sao_joao: 19,
      notes: 20,
    });
  });

  it('maps every column of the cleaned CSV', () => {
    const { index } = mapHeader(CLEAN_CSV_HEADER);
    expect(Object.keys(index)).toHaveLength(21);
    expect(index.accumulated_sao_joao).toBe(18);
    expect(index.accumulated_5).toBe(15);
  });

  it.each([
    ['Concurso', 'contest'],
    ['contest', 'contest'],
    ['Nº concurso', 'contest'],
    ['N° Concurso', 'contest'],
    ['Numero do Concurso', 'contest'],
    ['Data Sorteio', 'date'],
    ['Data', 'date'],
    ['Data do Sorteio', 'date'],
    ['date', 'date'],
    ['draw_date', 'date'],
    ['Bola1', 'ball_1'],
    ['bola 2', 'ball_2'],
    ['1ª Dezena', 'ball_1'],
    ['5ª dezena', 'ball_5'],
    ['Dezena3', 'ball_3'],
    ['ball_4', 'ball_4'],
    ['b5', 'ball_5'],
    ['Ganhadores 5 acertos', 'winners_5'],
    ['winners_2', 'winners_2'],
    ['Ganhadores Quadra', 'winners_4'],
    ['Rateio 3 acertos', 'prize_3'],
    ['prize_5', 'prize_5'],
    ['Valor Rateio Duque', 'prize_2'],
    ['Acumulado 5 acertos', 'accumulated_5'],
    ['accumulated_5', 'accumulated_5'],
    ['Arrecadação Total', 'revenue'],
    ['total_revenue', 'revenue'],
    ['Estimativa Prêmio', 'estimated_next'],
    ['estimated_prize_next', 'estimated_next'],
    ['Acumulado Quina de São João', 'accumulated_sao_joao'],
    ['accumulated_sao_joao', 'accumulated_sao_joao'],
    ['Cidade / UF', 'winner_locations'],
    ['winner_locations', 'winner_locations'],
    ['observação', 'notes'],
    ['notes', 'notes'],
  ])('%s -> %s', (header, key) => {
    expect(classifyHeader(header)?.key).toBe(key);
  });

  it('ignores unknown columns and money-in-centavos columns are flagged', () => {
    expect(classifyHeader('synthetic')).toBeUndefined();
    expect(classifyHeader('Bola6')).toBeUndefined();
    expect(classifyHeader('prize_4_cents')).toEqual({ key: 'prize_4', cents: true });
    expect(classifyHeader('prize_4')).toEqual({ key: 'prize_4', cents: false });
  });

  it('skips title rows above the header', () => {
    const cols = detectColumns([['Resultados da Quina'], [], OPERATOR_HEADER]);
    expect(cols.headerRow).toBe(2);
  });

  it('an unrecognisable header is E_DATA_INVALID listing what was found and what is missing', () => {
    try {
      detectColumns([['Concurso', 'name', 'Bola1', 'Bola2']]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LuckyError);
      const err = e as LuckyError;
      expect(err.code).toBe('E_DATA_INVALID');
      expect(err.details.join('\n')).toMatch(/recognised: contest="Concurso", ball_1="Bola1", ball_2="Bola2"/);
      expect(err.details.join('\n')).toMatch(/missing: date \(Data Sorteio\), ball 3, ball 4, ball 5/);
    }
  });
});
