// Test-only helpers; never imported by src (STYLE.md §2).
export * from './hl7-fixtures';
