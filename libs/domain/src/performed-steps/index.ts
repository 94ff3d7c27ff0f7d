export * from './performed-step';
export * from './performed-step-commands';
export * from './performed-step.store';
export * from './performed-step-rules';
export * from './step-matching';
export * from './start-performed-step.use-case';
export * from './update-performed-step.use-case';
