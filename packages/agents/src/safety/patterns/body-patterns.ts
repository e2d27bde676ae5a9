import type { SafetyCategory } from '@tta/contracts';
import type { DocumentQuery } from './document-query';
import type { ScreenSignal } from './screen-signal';

const STRONG_SYMPTOM =
  /\b(numb|dizzy|faint|fainted|fainting|pass out|passed out|passing out|black out|blacked out|blacking out|going dark|gone dark|getting dark|vision|blurry|cannot breathe|can not breathe|hard to breathe|trouble breathing|chest pain|chest hurts|chest is tight|heart racing|heart is racing|heart pounding|heart beating|heart skipping|heart skips|heart fluttering|heartbeat|palpitations|irregular|vomiting blood|throwing up blood|coughing up blood|coughing blood|blood in|seizure|shaking|cannot stay awake|can not stay awake|cannot keep my eyes open|cannot feel|can not feel|tingling|collapse|collapsed|lips|fading|slipping|room spinning|spinning|cannot move|can not move|cannot see|can not see|ringing|unconscious|hallucinating|woozy|cold sweat|confused|drowsy|sleepy|throwing up|vomiting|cannot stop throwing up|can not stop throwing up|cramps|weak|cannot stand|can not stand|legs gave|went black|racing|pounding|heart racing|heart pounding|heart is|my heart|pulse|twitch|twitching|stars|barely stand|cramping|cannot get air|can not get air|nodding off|keep passing)\b/;

/** Care and ordinary life that explain a symptom: a blood test, a filling, period cramps. */
const ORDINARY_CARE =
  /\b(blood test|blood tests|jab|jabs|vaccine|vaccination|flu shot|booster|filling|fillings|dentist|dental|tooth out|wisdom tooth|period|periods|hot water bottle|water bottle|ear pierc\w*|pierced|tattoo|sunburn|a cold|flu jab|covid jab)\b/;
/** Causes that are a substance however the message goes on. */
const DANGEROUS_SUBSTANCE =
  /\b(alcohol|vodka|whiskey|whisky|gin|rum|tequila|liquor|booze|xanax|benzos?|oxy|percocet|fentanyl|heroin|cocaine|coke|meth|molly|mdma|ecstasy|ket|ketamine|acid|lsd|edibles?|codeine|spice|k2|overdose|overdosed|pills|pill|tablets|meds|drugs|drunk|drank|whole bottle|bottle of|wasted|trashed|stoned|snorted|injected|mixed|mixing)\b/;

/**
 * Whether a substance explains the symptom: a named drug or drink, or a vaguer one ("a bottle",
 * "something", "stuff") in the symptom's sentence; never a blood test, a filling or period cramps
 * without a drug named.
 */
function substanceCause(q: DocumentQuery, text: string): boolean {
  if (!q.has('substanceContext')) return false;
  const named = DANGEROUS_SUBSTANCE.test(text);
  if (ORDINARY_CARE.test(text) && !named) return false;
  if (named) return true;
  return q.all('symptom').some((span) => {
    const sentence = q.sentenceOf(span.start);
    return q.has('substanceContext', sentence.start, sentence.end);
  });
}

/** Eating-disorder and substance emergencies: a strong symptom with its cause in the message. */
export function medicalPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const all = { start: 0, end: q.tokens.length };
  const text = q.text(all);
  if (!STRONG_SYMPTOM.test(text) || (!q.firstPerson(0, q.tokens.length) && q.has('worldEntity')))
    return;
  const symptom = q.all('symptom')[0] ?? all;
  const categories: SafetyCategory[] = [];
  if (q.has('edContext')) categories.push('eating_disorder');
  if (q.has('meansStrong') || substanceCause(q, text)) categories.push('substance_abuse');
  for (const category of categories) {
    out.push({ level: 'crisis', category, rule: `medical-${category}`, ...symptom });
  }
}

/** Signs of panic severe enough alone. */
const PANIC_SEVERE_ALONE =
  /\b(hyperventilating|heart attack|about to die|going to die|think i am dying|feel like i am dying|walls (are )?closing in|lungs (will not|won t|do not) work|can not get (any )?air|cannot get (any )?air|can not get a breath|can not breathe (\w+ ){0,4}(floor|minutes|hour|hours|help|please|now))\b/;
const PANIC_STRONG =
  /\b(cannot breathe|can not breathe|could not breathe|cannot catch my breath|can not catch my breath|hyperventilating|heart attack|going to die|i am dying|think i am dying|feel like i am dying|feels like i am dying|going to pass out|about to pass out|losing my mind|going crazy|losing control|panic attack|panicking|chest is tight|chest tight|tight chest|chest pain|cannot stop shaking|can not stop shaking|suffocating|walls closing|cannot calm down|can not calm down|going to faint|not real|unreal)\b/g;

/** Severe panic: two signs of it, or one with intensity ("can't breathe, help"). */
export function panicPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const text = q.text({ start: 0, end: q.tokens.length });
  const signs = text.replace(/\bdying (to|for|of|laughing)\b/g, '').match(PANIC_STRONG) ?? [];
  if (signs.length === 0 && !PANIC_SEVERE_ALONE.test(text)) return;
  if (q.has('laughter') && !/panic/.test(text)) return;
  // "can't breathe underwater", "can't breathe with this cold", "stop breathing from laughing".
  if (
    /\b(underwater|under water|with this cold|blocked nose|nose is blocked|from laughing|laughing|when she is hungry|when he is hungry|roasted)\b/.test(
      text,
    )
  )
    return;
  const span = q.all('panicCore')[0] ?? { start: 0, end: q.tokens.length };
  const pastOnly =
    /\b(had|was|used to|last year|years ago|yesterday|last week)\b/.test(text) &&
    !/\b(now|right now|again|still|cannot|can not|help)\b/.test(text);
  const intense =
    new Set(signs).size >= 2 || q.has('panicIntensity') || PANIC_SEVERE_ALONE.test(text);
  if (intense && !pastOnly) {
    out.push({ level: 'crisis', category: 'panic_attack', rule: 'panic-severe', ...span });
  } else {
    out.push({ level: 'concern', category: 'panic_attack', rule: 'panic', ...span });
  }
}
