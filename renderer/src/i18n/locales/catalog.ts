/**
 * The shape another language's catalog must have: every key of the English one, with string
 * values. English's `_one` plural forms are optional (Korean has one form, `_other`).
 */
export type Catalog<T> = {
  [K in keyof T as K extends `${string}_one` ? never : K]: T[K] extends string ? string : Catalog<T[K]>;
} & {
  [K in keyof T as K extends `${string}_one` ? K : never]?: string;
};
