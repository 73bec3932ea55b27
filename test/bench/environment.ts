/**
 * Settings the handlers read when their modules load, so this is imported before anything else:
 * quiet logs, no EMF metric lines on stdout (the bench's table goes there), the program cached
 * as on AWS, and a metrics history that starts a year back (the scenarios buy across that year).
 */
process.env.PROGRAM_CACHE_SECONDS = '60';
// The authorizer's answer cached per key, as API Gateway does (the stack's default TTL).
process.env.LOCAL_AUTHORIZER_CACHE_SECONDS = '60';
process.env.LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_DEV = 'true';
process.env.METRICS_EPOCH = new Date(Date.now() - 367 * 86_400_000).toISOString();
