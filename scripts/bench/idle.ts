/**
 * `bench:produce`'s floor: a deno process that loads nothing and waits (until SIGTERM), so the
 * Pi table shows what the runtime alone costs beside the gateway.
 */
setTimeout(() => {}, 2_000_000_000);
