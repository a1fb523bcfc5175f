export * from './adam.ts';
