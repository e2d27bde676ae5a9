import convict from 'convict';
import { commaList } from './coerce';
import { DEFAULT_CRISIS_MESSAGE, DEFAULT_CRISIS_RESOURCES } from './crisis-resources';

// A list of http(s) URLs, as an array in a file or comma-separated in an environment variable.
convict.addFormat({
  name: 'url-list',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a list of URLs');
    for (const item of value) {
      let url: URL;
      try {
        url = new URL(String(item));
      } catch {
        throw new Error('must be a list of absolute http(s) URLs');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error('must be a list of absolute http(s) URLs');
      }
    }
  },
  coerce: commaList,
});

/** The message a session's turn carries to disclose that the player talks to an AI. */
export const DEFAULT_AI_DISCLOSURE =
  'A reminder: the storyteller you are talking with is an AI, not a person. If you need a ' +
  'person to talk to, the support resources are always there for you.';

/** Convict schema of config `safety`: the screen's files, the session's risk, review and escalation. */
export const safetyConfigSchema = {
  lexiconFile: {
    doc: 'Safety lexicon (JSON), relative to the config directory.',
    format: String,
    default: 'safety-lexicon.json',
    env: 'TTA_SAFETY_LEXICON_FILE',
  },
  crisisMessage: {
    doc: 'What a player reads instead of the story when the safety screen finds a crisis: supportive, never judging.',
    format: String,
    default: DEFAULT_CRISIS_MESSAGE,
    env: 'TTA_SAFETY_CRISIS_MESSAGE',
  },
  crisisResources: {
    doc: 'Where a player in crisis can turn, shown with the crisis message: a list of { name, contact, description } (JSON in the variable).',
    format: 'crisis-resources',
    default: DEFAULT_CRISIS_RESOURCES,
    env: 'TTA_SAFETY_CRISIS_RESOURCES',
  },
  screenDeadlineMs: {
    doc: 'Longest a turn waits for its safety screen (queue time, retries and run time together); past it, or when the screen fails, the turn fails closed: it ends with the crisis message and a screen_unavailable event.',
    format: 'positive-int',
    default: 10_000,
    env: 'TTA_SAFETY_SCREEN_DEADLINE_MS',
  },
  sessionRisk: {
    windowMs: {
      doc: "How far back a session's earlier screens add up with the current one.",
      format: 'positive-int',
      default: 3_600_000,
      env: 'TTA_SAFETY_SESSION_WINDOW_MS',
    },
    halfLifeMs: {
      doc: "Half-life of an earlier turn's risk points within the window.",
      format: 'positive-int',
      default: 1_800_000,
      env: 'TTA_SAFETY_SESSION_HALF_LIFE_MS',
    },
    crisisScore: {
      doc: 'Risk points (crisis 3; a serious concern, about suicide, self-harm, a medical emergency, violence, or naming death or a means, 1.5; other concern 1; each halved every halfLifeMs) at which a concern turn makes the session a crisis.',
      format: Number,
      default: 2,
      env: 'TTA_SAFETY_SESSION_CRISIS_SCORE',
    },
    supportiveTurns: {
      doc: 'Turns a session stays in supportive mode after a crisis (it ends once both supportiveTurns and supportiveMs have passed).',
      format: 'nat',
      default: 10,
      env: 'TTA_SAFETY_SUPPORTIVE_TURNS',
    },
    supportiveMs: {
      doc: 'How long a session stays in supportive mode after a crisis (see supportiveTurns).',
      format: 'nat',
      default: 1_800_000,
      env: 'TTA_SAFETY_SUPPORTIVE_MS',
    },
  },
  events: {
    retentionDays: {
      doc: 'How long safety events and the audit trail of their reviews are kept.',
      format: 'positive-int',
      default: 400,
      env: 'TTA_SAFETY_EVENTS_RETENTION_DAYS',
    },
    hashKey: {
      doc: "Key of the HMAC that stands for the player's words in a safety event; empty: a random key kept in Redis.",
      format: String,
      default: '',
      env: 'TTA_SAFETY_HASH_KEY',
      sensitive: true,
    },
    renotifyAfterMs: {
      doc: 'A crisis or screen_unavailable event not acknowledged within this time is notified again (and again after each further period).',
      format: 'positive-int',
      default: 900_000,
      env: 'TTA_SAFETY_RENOTIFY_AFTER_MS',
    },
  },
  webhooks: {
    urls: {
      doc: 'Where crisis and screen_unavailable events are posted (signed with X-TTA-Signature); comma-separated in the variable.',
      format: 'url-list',
      default: [] as string[],
      env: 'TTA_SAFETY_WEBHOOK_URLS',
      // A webhook URL often carries its token in the path: never shown by diagnostics.
      sensitive: true,
    },
    secret: {
      doc: "HMAC-SHA256 secret of the webhooks' X-TTA-Signature; required when urls are set.",
      format: String,
      default: '',
      env: 'TTA_SAFETY_WEBHOOK_SECRET',
      sensitive: true,
    },
    attempts: {
      doc: 'Delivery attempts per event and URL before the delivery is dead-lettered.',
      format: 'positive-int',
      default: 8,
      env: 'TTA_SAFETY_WEBHOOK_ATTEMPTS',
    },
    backoffMs: {
      doc: 'First retry delay of a delivery, doubled at each attempt.',
      format: 'positive-int',
      default: 1000,
      env: 'TTA_SAFETY_WEBHOOK_BACKOFF_MS',
    },
    timeoutMs: {
      doc: 'Longest one delivery request may take.',
      format: 'positive-int',
      default: 5000,
      env: 'TTA_SAFETY_WEBHOOK_TIMEOUT_MS',
    },
  },
  disclosure: {
    enabled: {
      doc: "Whether a session's first turn, and one every periodMs of play, carries a disclosure that the player talks to an AI.",
      format: Boolean,
      default: true,
      env: 'TTA_SAFETY_DISCLOSURE_ENABLED',
    },
    periodMs: {
      doc: 'How often the disclosure is repeated during play.',
      format: 'positive-int',
      default: 10_800_000,
      env: 'TTA_SAFETY_DISCLOSURE_PERIOD_MS',
    },
    message: {
      doc: 'The disclosure.',
      format: String,
      default: DEFAULT_AI_DISCLOSURE,
      env: 'TTA_SAFETY_DISCLOSURE_MESSAGE',
    },
  },
  breaks: {
    enabled: {
      doc: 'Whether the narrator suggests a break after afterMs of continuous play.',
      format: Boolean,
      default: true,
      env: 'TTA_SAFETY_BREAKS_ENABLED',
    },
    afterMs: {
      doc: 'Continuous play after which a break is suggested (and again after each further stretch).',
      format: 'positive-int',
      default: 3_600_000,
      env: 'TTA_SAFETY_BREAK_AFTER_MS',
    },
    gapMs: {
      doc: 'A pause between turns longer than this ends a stretch of continuous play.',
      format: 'positive-int',
      default: 900_000,
      env: 'TTA_SAFETY_BREAK_GAP_MS',
    },
  },
};
