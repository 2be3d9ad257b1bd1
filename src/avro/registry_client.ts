import { resolve } from "node:path";
import {
  authorizationHeader,
  type RegistryAuth,
  splitRegistryUrl,
} from "../config/registry_auth.ts";
import { redact } from "../util/redact.ts";

/**
 * A small client for the Confluent Schema Registry REST API (also served by
 * Apicurio Registry under /apis/ccompat/v7). Schema ids are immutable, so
 * lookups by id are cached for the life of the client.
 */

export interface RegisteredSchema {
  id: number;
  version?: number;
  schema: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

export interface RegistryClientOptions {
  url: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Credentials and a private CA; credentials in the URL (`user:pass@`) are used too. */
  auth?: RegistryAuth;
}

export class RegistryClient {
  readonly url: string;
  #timeoutMs: number;
  #fetch: typeof fetch;
  #byId = new Map<number, string>();
  #authorization?: string;
  #httpClient?: Deno.HttpClient;

  constructor(options: RegistryClientOptions) {
    const split = splitRegistryUrl(options.url.replace(/\/+$/, ""));
    this.url = split.url.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
    const auth = { ...options.auth };
    if (!auth.userInfo && !auth.bearerToken && split.userInfo) auth.userInfo = split.userInfo;
    this.#authorization = authorizationHeader(auth);
    if (auth.caFile) {
      let pem: string;
      try {
        pem = Deno.readTextFileSync(auth.caFile);
      } catch (error) {
        throw new RegistryError(
          `cannot read --registry-ca ${resolve(auth.caFile)}: ${(error as Error).message}`,
        );
      }
      this.#httpClient = Deno.createHttpClient({ caCerts: [pem] });
    }
  }

  /** The latest version registered under `subject`. */
  async latest(subject: string): Promise<RegisteredSchema> {
    const body = await this.#call(
      "GET",
      `/subjects/${encodeURIComponent(subject)}/versions/latest`,
    );
    const found = asRegistered(body, `latest version of subject ${subject}`);
    this.#byId.set(found.id, found.schema);
    return found;
  }

  /** Registers `schema` under `subject` (a no-op returning the same id when it is already there). */
  async register(subject: string, schema: string): Promise<number> {
    const body = await this.#call(
      "POST",
      `/subjects/${encodeURIComponent(subject)}/versions`,
      { schema, schemaType: "AVRO" },
    );
    const id = (body as { id?: unknown }).id;
    if (typeof id !== "number") {
      throw new RegistryError(
        `registry ${this.url} answered the registration under ${subject} without an id`,
      );
    }
    this.#byId.set(id, schema);
    return id;
  }

  /** The schema text registered with `id`; cached, since ids never change meaning. */
  async schemaById(id: number): Promise<string> {
    const cached = this.#byId.get(id);
    if (cached !== undefined) return cached;
    const body = await this.#call("GET", `/schemas/ids/${id}`);
    const schema = (body as { schema?: unknown }).schema;
    if (typeof schema !== "string") {
      throw new RegistryError(
        `registry ${this.url} answered schema id ${id} without a schema`,
      );
    }
    this.#byId.set(id, schema);
    return schema;
  }

  #base?: string;

  /**
   * The base the API answers at: the URL as given, or, when it names only a
   * host (as a Confluent registry URL does) and 404s there, Apicurio's
   * Confluent-compatible API under /apis/ccompat/v7 on the same host.
   */
  async #resolveBase(): Promise<string> {
    if (this.#base) return this.#base;
    const given = this.url;
    if (new URL(given).pathname.replace(/\/+$/, "") === "") {
      const probe = await this.#raw("GET", `${given}/subjects`).catch(() => undefined);
      if (probe?.status === 404) {
        const ccompat = `${given}/apis/ccompat/v7`;
        const alt = await this.#raw("GET", `${ccompat}/subjects`).catch(() => undefined);
        if (alt?.ok) return (this.#base = ccompat);
      }
      if (probe === undefined) return given; // unreachable now: decide on a later call
    }
    return (this.#base = given);
  }

  #raw(method: string, url: string, json?: unknown): Promise<Response> {
    return this.#fetch(url, {
      method,
      headers: {
        "accept": "application/vnd.schemaregistry.v1+json, application/json",
        ...(this.#authorization ? { "authorization": this.#authorization } : {}),
        ...(json === undefined ? {} : { "content-type": "application/vnd.schemaregistry.v1+json" }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(this.#timeoutMs),
      ...(this.#httpClient ? { client: this.#httpClient } : {}),
    } as RequestInit);
  }

  async #call(method: string, path: string, json?: unknown): Promise<unknown> {
    let url = this.url + path;
    let response: Response;
    try {
      url = (await this.#resolveBase()) + path;
      response = await this.#raw(method, url, json);
    } catch (error) {
      const text = errorText(error);
      if (/certificate|UnknownIssuer|invalid peer|self[- ]signed/i.test(text)) {
        throw new RegistryError(
          redact(
            `schema registry unreachable at ${url}: TLS certificate not trusted ` +
              `(${
                this.#httpClient
                  ? "not signed by the CA in --registry-ca"
                  : "no --registry-ca given?"
              }): ${text}`,
          ),
        );
      }
      throw new RegistryError(redact(`schema registry unreachable at ${url}: ${text}`));
    }
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        `schema registry authentication failed at ${this.url}: HTTP ${response.status} ` +
          (response.status === 401
            ? (this.#authorization
              ? "(the registry refused the credentials: check --registry-user-info / --registry-bearer-token)"
              : "(the registry needs credentials: give --registry-user-info or --registry-bearer-token)")
            : "(the credentials are not allowed to do this)"),
        response.status,
      );
    }
    if (!response.ok) {
      const detail = body as { error_code?: number; message?: string } | undefined;
      throw new RegistryError(
        `schema registry ${method} ${url} failed: HTTP ${response.status}` +
          (detail?.message ? ` (${detail.message})` : text ? ` (${text.slice(0, 200)})` : ""),
        response.status,
        detail?.error_code,
      );
    }
    return body;
  }
}

function asRegistered(body: unknown, what: string): RegisteredSchema {
  const b = body as { id?: unknown; version?: unknown; schema?: unknown };
  if (typeof b?.id !== "number" || typeof b.schema !== "string") {
    throw new RegistryError(`schema registry answered the ${what} without id and schema`);
  }
  return {
    id: b.id,
    version: typeof b.version === "number" ? b.version : undefined,
    schema: b.schema,
  };
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
