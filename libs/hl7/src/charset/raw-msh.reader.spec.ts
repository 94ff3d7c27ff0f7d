import { readRawMsh } from './raw-msh.reader';

describe('readRawMsh: the sender, before decoding', () => {
  it.each([
    ['MSH|^~\\&|RIS^1.2.3^ISO|HOSP^^|RADFLOW|RAD|20261123||ORM^O01|C1|P|2.3.1\r', 'RIS', 'HOSP'],
    ['\r\nMSH|^~\\&|LAB|HOSP_L\r', 'LAB', 'HOSP_L'],
    ['MSH#*~\\&#APP*X#FAC*Y#\r', 'APP', 'FAC'], // the sender's own delimiters
    ['MSH|^~\\&\r', '', ''], // short MSH
  ])('%j → %s / %s', (text, application, facility) => {
    expect(readRawMsh(Buffer.from(text, 'latin1'))).toMatchObject({ sendingApplication: application, sendingFacility: facility });
  });
});
