import { LlmRequestError, ProviderUnavailableError } from '@tta/core';
import {
  chatCompletion,
  startChatCompletionsServer,
  waitFor,
  type ChatCompletionsServer,
} from '@tta/test-utils';
import {
  LlmGateway,
  OpenAiCompatibleProvider,
  type OpenAiCompatibleProviderOptions,
} from '@tta/agent-sdk';
import { createLogger } from '@tta/core';

const API_KEY = 'sk-test-secret-key-123';
const messages = [
  { role: 'system' as const, content: 'You are kind.' },
  { role: 'user' as const, content: 'Hello there' },
];
const log = createLogger({ level: 'error' });

describe('OpenAiCompatibleProvider against a chat-completions server', () => {
  let server: ChatCompletionsServer;

  beforeEach(async () => {
    server = await startChatCompletionsServer();
  });

  afterEach(async () => {
    await server.close();
  });

  function provider(options: Partial<OpenAiCompatibleProviderOptions> = {}) {
    return new OpenAiCompatibleProvider({
      baseUrl: `${server.baseUrl}/`,
      model: 'test-model',
      apiKey: API_KEY,
      retryBaseDelayMs: 10,
      ...options,
    });
  }

  it('posts the prompt to /chat/completions and reads the text, model and usage', async () => {
    server.respond(() =>
      chatCompletion('Hi, traveller.', { prompt: 21, completion: 4 }, 'served-model'),
    );
    const answer = await provider().complete({ messages, maxTokens: 64, temperature: 0.2 });
    expect(answer).toEqual({
      text: 'Hi, traveller.',
      model: 'served-model',
      usage: { inputTokens: 21, outputTokens: 4 },
    });
    const [request] = server.requests;
    expect(request?.body).toEqual({
      model: 'test-model',
      messages,
      max_tokens: 64,
      temperature: 0.2,
      stream: false,
    });
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('sends the model asked for, no key when none is set, and estimates missing usage', async () => {
    server.respond(() => ({
      body: { choices: [{ message: { role: 'assistant', content: 'abcdefgh' } }] },
    }));
    const answer = await provider({ apiKey: '' }).complete({ model: 'llama3.1:8b', messages });
    expect(server.requests[0]?.body.model).toBe('llama3.1:8b');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(answer).toMatchObject({ model: 'llama3.1:8b', usage: { outputTokens: 2 } });
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
  });

  it('waits what Retry-After asks after a 429, then succeeds', async () => {
    server.respond((_request, index) =>
      index === 0
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { error: { message: 'slow down' } },
          }
        : chatCompletion('ok', { prompt: 3, completion: 1 }),
    );
    const started = Date.now();
    await expect(provider().complete({ messages })).resolves.toMatchObject({ text: 'ok' });
    expect(server.requests).toHaveLength(2);
    const waited = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('honours a Retry-After HTTP date on a 503', async () => {
    server.respond((_request, index) =>
      index === 0
        ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }
        : chatCompletion('ok', { prompt: 3, completion: 1 }),
    );
    await expect(provider().complete({ messages })).resolves.toMatchObject({ text: 'ok' });
    const waited = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    // The date has whole seconds: the wait is between 1 and 2 s.
    expect(waited).toBeGreaterThanOrEqual(900);
  });

  it('retries 500s with backoff, then fails with the status; never shows the key', async () => {
    server.respond(() => ({ status: 500, body: { error: { message: `bad key ${API_KEY}` } } }));
    const error = await provider({ retries: 2 })
      .complete({ messages })
      .catch((err: unknown) => err);
    expect(server.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect(error).toMatchObject({ code: 'llm_request_failed', status: 500, retryable: true });
    expect((error as Error).message).toBe(
      "LLM provider 'openai-compatible' answered 500: bad key ***",
    );
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it('does not retry a request the provider refuses (400)', async () => {
    server.respond(() => ({ status: 400, body: { error: { message: 'bad model' } } }));
    await expect(provider({ retries: 3 }).complete({ messages })).rejects.toMatchObject({
      status: 400,
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up when Retry-After asks for longer than maxRetryDelayMs', async () => {
    server.respond(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    await expect(provider({ maxRetryDelayMs: 1000 }).complete({ messages })).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 120_000,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('times a request out after timeoutMs', async () => {
    server.respond(() => ({
      ...chatCompletion('late', { prompt: 1, completion: 1 }),
      delayMs: 5000,
    }));
    const started = Date.now();
    const error = await provider({ timeoutMs: 300, retries: 0 })
      .complete({ messages })
      .catch((err: unknown) => err);
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(LlmRequestError);
    expect((error as Error).message).toMatch(/timed out after 300 ms/);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(4000);
  });

  it("stops at once when the caller's signal aborts, without retrying", async () => {
    server.respond(() => ({
      ...chatCompletion('late', { prompt: 1, completion: 1 }),
      delayMs: 5000,
    }));
    const controller = new AbortController();
    const call = provider({ retries: 3 }).complete({ messages, signal: controller.signal });
    await waitFor(() => server.requests.length === 1, { what: 'the request' });
    controller.abort(new Error('task cancelled'));
    await expect(call).rejects.toThrow('task cancelled');
    expect(server.requests).toHaveLength(1);
  });

  it('opens its breaker after 5 failed calls, fails fast, then half-opens and closes', async () => {
    server.respond(() => ({ status: 500 }));
    const gateway = new LlmGateway({
      provider: provider({ retries: 0 }),
      breaker: { failureThreshold: 5, openMs: 300 },
    });
    const llm = gateway.forTask({
      taskId: 't1',
      agentType: 'narrator',
      signal: new AbortController().signal,
      log: () => log,
    });
    for (let i = 0; i < 5; i++) {
      await expect(llm.complete({ messages })).rejects.toBeInstanceOf(LlmRequestError);
    }
    expect(gateway.breaker.state).toBe('open');
    await expect(llm.complete({ messages })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(server.requests).toHaveLength(5);
    await waitFor(() => gateway.breaker.state === 'half-open', { what: 'half-open' });
    server.respond(() => chatCompletion('back', { prompt: 2, completion: 1 }));
    await expect(llm.complete({ messages })).resolves.toMatchObject({ text: 'back' });
    expect(gateway.breaker.state).toBe('closed');
    expect(server.requests).toHaveLength(6);
  });

  it('does not count refused requests (4xx) against the breaker', async () => {
    server.respond(() => ({ status: 400 }));
    const gateway = new LlmGateway({ provider: provider(), breaker: { failureThreshold: 2 } });
    const llm = gateway.forTask({
      taskId: 't2',
      agentType: 'narrator',
      signal: new AbortController().signal,
      log: () => log,
    });
    for (let i = 0; i < 3; i++) await expect(llm.complete({ messages })).rejects.toThrow();
    expect(gateway.breaker.state).toBe('closed');
  });
});
