import { z } from 'zod';

/** The player's words, as every text capability takes them. */
const playerText = z.string().trim().min(1, 'must not be empty').max(4000);

/** Intent verbs the input processor recognises. */
export const INTENT_VERBS = [
  'look',
  'move',
  'take',
  'drop',
  'use',
  'talk',
  'inventory',
  'help',
  'rest',
  'express',
  'unknown',
] as const;

/** An intent verb. */
export type IntentVerb = (typeof INTENT_VERBS)[number];

/** The player's intent: a verb with its entities. */
export const intentSchema = z
  .object({
    verb: z.enum(INTENT_VERBS),
    /** What the verb acts on ("lantern"). */
    target: z.string().optional(),
    /** A direction or place for `move` ("north", "the garden"). */
    destination: z.string().optional(),
    /** A character spoken to or about. */
    character: z.string().optional(),
    /** A second object ("use key on door": the door). */
    instrument: z.string().optional(),
    /** For `express`: the feeling named ("sad", "not okay"). */
    feeling: z.string().optional(),
    /** 0..1: how sure the classifier is. */
    confidence: z.number().min(0).max(1),
  })
  .strict();

/** The player's intent. */
export type Intent = z.infer<typeof intentSchema>;

/** Safety levels, from no signal to a crisis that must stop the turn. */
export const SAFETY_LEVELS = ['safe', 'concern', 'crisis'] as const;

/** Safety categories of the lexicon. */
export const SAFETY_CATEGORIES = [
  'self_harm',
  'suicidal_ideation',
  'substance_abuse',
  'domestic_violence',
  'eating_disorder',
  'panic_attack',
  'severe_depression',
  'distress',
] as const;

/** Levels of the Columbia Suicide Severity Rating Scale a screen reports, mildest first. */
export const CSSRS_LEVELS = [
  'wish_dead',
  'active_ideation',
  'method',
  'intent',
  'plan',
  'preparatory',
  'attempt',
] as const;

/** A C-SSRS level. */
export type CssrsLevel = (typeof CSSRS_LEVELS)[number];

/**
 * Risk markers a screen reports even below `concern`: what the player said of themselves that
 * adds up with other turns of the session (a means in one turn, a time or farewell in a later
 * one is a crisis).
 */
export const RISK_MARKERS = [
  'means',
  'time',
  'plan',
  'preparation',
  'farewell',
  'death',
  'self_harm',
  'ingestion',
] as const;

/** A risk marker of a screen. */
export type RiskMarker = (typeof RISK_MARKERS)[number];

/** Layers of the safety screen, in the order they run. */
export const SCREEN_LAYERS = [
  'normalize',
  'patterns',
  'denial',
  'fiction',
  'classifier',
  'llm',
] as const;

/** A layer of the safety screen. */
export type ScreenLayer = (typeof SCREEN_LAYERS)[number];

/** Tones of a narrative passage. */
export const NARRATIVE_TONES = ['calm', 'gentle', 'warm', 'reassuring', 'encouraging'] as const;

/** The tone of a narrative passage. */
export type NarrativeTone = (typeof NARRATIVE_TONES)[number];

/** A safety level. */
export type SafetyLevel = (typeof SAFETY_LEVELS)[number];
/** A safety category. */
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

/**
 * What the narrator is told of the turn's safety (the run's safety gate fills it in): a
 * `concern` turn opens with a short, validating check-in; a session in supportive mode after a
 * crisis is narrated gently; a long stretch of play ends with a suggested break.
 */
export const narrativeSafetySchema = z
  .object({
    /** The turn's level after the session's risk is added up (`crisis` never reaches the narrator). */
    level: z.enum(SAFETY_LEVELS),
    /** The categories of the level. */
    categories: z.array(z.enum(SAFETY_CATEGORIES)),
    /** Whether the session is in its supportive mode after a crisis. Default: false. */
    supportive: z.boolean().optional(),
    /** Whether to suggest a break after a long stretch of play. Default: false. */
    suggestBreak: z.boolean().optional(),
  })
  .strict();

/** What the narrator is told of the turn's safety. */
export type NarrativeSafety = z.infer<typeof narrativeSafetySchema>;

/** A session's world state. */
export const worldStateSchema = z.object({
  location: z.string(),
  inventory: z.array(z.string()),
  characters: z.record(z.string(), z.object({ location: z.string(), mood: z.string().optional() })),
  flags: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])),
  /** Places the player has been. */
  visited: z.array(z.string()),
  /** Items lying in each place. */
  items: z.record(z.string(), z.array(z.string())),
  turn: z.number().int().min(0),
});

/** A session's world state. */
export type WorldState = z.infer<typeof worldStateSchema>;

/** Input and output schemas of the built-in capabilities. */
export const builtInCapabilitySchemas = {
  'input.parse': {
    input: z.object({ text: playerText }).strict(),
    output: z.object({
      text: z.string(),
      normalized: z.string(),
      intent: intentSchema,
    }),
    requiresSession: false,
  },
  'safety.screen': {
    input: z.object({ text: playerText }).strict(),
    output: z.object({
      level: z.enum(SAFETY_LEVELS),
      categories: z.array(z.enum(SAFETY_CATEGORIES)),
      /** The highest Columbia Suicide Severity Rating Scale level recognised. */
      cssrs: z.enum(CSSRS_LEVELS).optional(),
      /** 0..1: how strongly the text reads as risk. */
      score: z.number().min(0).max(1),
      /** Layers of the screen that found a signal or changed the outcome. */
      layers: z.array(z.enum(SCREEN_LAYERS)),
      /** The screen's rules version and classifier model id. */
      version: z.string(),
      /** Risk markers the player said of themselves, for the session's risk across turns. */
      markers: z.array(z.enum(RISK_MARKERS)).optional(),
    }),
    requiresSession: false,
  },
  'world.update': {
    input: z
      .object({
        /** The intent to apply; `text` is parsed when no intent is given. */
        intent: intentSchema.partial({ confidence: true }).optional(),
        text: playerText.optional(),
        /** Apply only if the stored version is still this one. */
        expectedVersion: z.number().int().min(0).optional(),
      })
      .strict()
      .refine((v) => v.intent !== undefined || v.text !== undefined, {
        message: 'give intent or text',
        path: ['intent'],
      }),
    output: z.object({
      world: worldStateSchema,
      version: z.number().int(),
      changes: z.array(z.string()),
      applied: z.boolean(),
    }),
    requiresSession: true,
  },
  'world.read': {
    input: z.object({}).strict(),
    output: z.object({ world: worldStateSchema, version: z.number().int() }),
    requiresSession: true,
  },
  'narrative.generate': {
    input: z
      .object({
        text: playerText.optional(),
        intent: intentSchema.partial({ confidence: true }).optional(),
        world: worldStateSchema.partial().optional(),
        changes: z.array(z.string()).optional(),
        /** Whether the world carried the intent out (`world.update`'s `applied`). Default: true. */
        applied: z.boolean().optional(),
        /** The turn's safety, when a screen ran: a check-in, supportive mode, a break. */
        safety: narrativeSafetySchema.optional(),
      })
      .strict()
      .refine((v) => v.text !== undefined || v.intent !== undefined, {
        message: 'give text or intent',
        path: ['text'],
      }),
    output: z.object({
      passage: z.string(),
      tone: z.enum(NARRATIVE_TONES),
      /** The check-in the passage opens with, on a `concern` turn or in supportive mode. */
      checkIn: z.string().optional(),
      /** The break the passage suggests, when `safety.suggestBreak` asked for one. */
      breakSuggestion: z.string().optional(),
    }),
    requiresSession: false,
  },
} as const;

/** Name of a built-in capability. */
export type BuiltInCapability = keyof typeof builtInCapabilitySchemas;

/** The input and output schemas of a capability, when the code knows them. */
export interface CapabilitySchemas {
  input: z.ZodType;
  output: z.ZodType;
  requiresSession: boolean;
}

/** The schemas of a built-in capability, or `undefined` for one defined only in config. */
export function capabilitySchemas(capability: string): CapabilitySchemas | undefined {
  return Object.prototype.hasOwnProperty.call(builtInCapabilitySchemas, capability)
    ? builtInCapabilitySchemas[capability as BuiltInCapability]
    : undefined;
}
