import { z } from 'zod';

/** One place a player in crisis can turn to, shown with the crisis response of a turn. */
export const crisisResourceSchema = z
  .object({
    /** Who they are: "988 Suicide & Crisis Lifeline (US)". */
    name: z.string().trim().min(1).max(200),
    /** How to reach them: a number, an address, a web page. */
    contact: z.string().trim().min(1).max(500),
    /** What they offer, and for whom. */
    description: z.string().trim().min(1).max(1000),
  })
  .strict();

/** The list config `safety.crisisResources` holds: at least one resource. */
export const crisisResourcesSchema = z.array(crisisResourceSchema).min(1).max(20);

/** One crisis resource. */
export type CrisisResource = z.infer<typeof crisisResourceSchema>;

/** The default `safety.crisisResources`: generic guidance that is valid internationally. */
export const DEFAULT_CRISIS_RESOURCES: CrisisResource[] = [
  {
    name: 'Emergency services',
    contact:
      'Your local emergency number (for example 911 in the US and Canada, 112 in the EU, 999 in the UK)',
    description:
      'If you are in immediate danger, or feel you might act on thoughts of harming yourself, call your local emergency number now.',
  },
  {
    name: 'Find A Helpline',
    contact: 'https://findahelpline.com',
    description:
      'Free, confidential crisis lines and text services in many countries, searchable by country and topic.',
  },
  {
    name: '988 Suicide & Crisis Lifeline (US)',
    contact: 'Call or text 988, or chat at https://988lifeline.org',
    description: 'Free, confidential support for anyone in the United States, 24 hours a day.',
  },
];

/** The default `safety.crisisMessage`. */
export const DEFAULT_CRISIS_MESSAGE =
  'The story can wait. What you just shared sounds really painful, and it matters. You do not ' +
  'have to face this alone: talking to someone can help, right now. If you are in immediate ' +
  'danger, please call your local emergency number. The people below are there to listen, ' +
  'free and in confidence.';
