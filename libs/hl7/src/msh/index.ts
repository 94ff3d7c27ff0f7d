export * from './msh-validator';
