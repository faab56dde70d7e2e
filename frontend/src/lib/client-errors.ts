import { describeFailure, type DescribeOptions, type FormErrors } from './backend/problem';

/** The error object Better Auth's client returns: the relayed status, message and field errors. */
export interface AuthClientError {
  status: number;
  message?: string;
  errors?: { field: string; message: string }[];
  retryAfter?: number | null;
}

export function describeAuthClientError(error: AuthClientError, options: DescribeOptions): FormErrors {
  return describeFailure(
    {
      status: error.status,
      problem: { detail: error.message, errors: error.errors },
      retryAfterSeconds: error.retryAfter ?? null,
    },
    options,
  );
}
