import { defineMiddleware } from 'astro:middleware';
import { pageBoundary } from './lib/server/page-boundary';

export const onRequest = defineMiddleware((context, next) => pageBoundary(context, next));
