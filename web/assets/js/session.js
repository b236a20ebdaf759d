// Who is signed in: the profile (GET /api/v1/me) once per page load, forgotten on sign-in and sign-out.

import { ApiError, api, post } from './api.js';

let current;

export async function me() {
  if (current === undefined) {
    try {
      current = await api('GET', '/api/v1/me', undefined, { probe: true });
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) throw error;
      current = null;
    }
  }
  return current;
}

export function forget() {
  current = undefined;
}

export async function signOut() {
  try {
    await post('/api/v1/auth/logout');
  } finally {
    forget();
  }
}
