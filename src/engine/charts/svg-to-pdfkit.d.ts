/** Types for svg-to-pdfkit 0.1.8 (it ships none): the one function `engine/charts/pdf.ts` calls and the options it passes. */
declare module 'svg-to-pdfkit' {
  interface SvgToPdfOptions {
    width?: number;
    height?: number;
    preserveAspectRatio?: string;
    /** 1 SVG unit = 1 pt instead of 1 px (= 0.75 pt) */
    assumePt?: boolean;
    /** the font to draw a text element with: a font registered in the document or a font file path */
    fontCallback?: (family: string, bold: boolean, italic: boolean, fontOptions: { fauxItalic: boolean; fauxBold: boolean }) => string;
    warningCallback?: (message: string) => void;
  }
  function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x?: number, y?: number, options?: SvgToPdfOptions): void;
  export default SVGtoPDF;
}
