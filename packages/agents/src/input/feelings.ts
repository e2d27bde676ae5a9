/** Whether a feeling is a difficult one, a pleasant one, or neither. */
export type FeelingValence = 'difficult' | 'pleasant' | 'neutral';

/** Feeling words the parser recognises after "I feel", "I am", "feeling", with their valence. */
export const FEELINGS: Readonly<Record<string, FeelingValence>> = {
  sad: 'difficult',
  unhappy: 'difficult',
  down: 'difficult',
  low: 'difficult',
  blue: 'difficult',
  depressed: 'difficult',
  anxious: 'difficult',
  nervous: 'difficult',
  worried: 'difficult',
  scared: 'difficult',
  afraid: 'difficult',
  frightened: 'difficult',
  panicky: 'difficult',
  lonely: 'difficult',
  alone: 'difficult',
  tired: 'difficult',
  exhausted: 'difficult',
  weary: 'difficult',
  drained: 'difficult',
  overwhelmed: 'difficult',
  stressed: 'difficult',
  angry: 'difficult',
  mad: 'difficult',
  frustrated: 'difficult',
  irritated: 'difficult',
  upset: 'difficult',
  hurt: 'difficult',
  lost: 'difficult',
  confused: 'difficult',
  empty: 'difficult',
  numb: 'difficult',
  hopeless: 'difficult',
  helpless: 'difficult',
  ashamed: 'difficult',
  guilty: 'difficult',
  restless: 'difficult',
  miserable: 'difficult',
  heartbroken: 'difficult',
  grieving: 'difficult',
  terrible: 'difficult',
  awful: 'difficult',
  bad: 'difficult',
  ill: 'difficult',
  sick: 'difficult',
  bored: 'neutral',
  curious: 'neutral',
  sleepy: 'neutral',
  okay: 'neutral',
  ok: 'neutral',
  fine: 'neutral',
  alright: 'neutral',
  calm: 'pleasant',
  peaceful: 'pleasant',
  relaxed: 'pleasant',
  rested: 'pleasant',
  happy: 'pleasant',
  glad: 'pleasant',
  content: 'pleasant',
  hopeful: 'pleasant',
  grateful: 'pleasant',
  thankful: 'pleasant',
  better: 'pleasant',
  good: 'pleasant',
  great: 'pleasant',
  safe: 'pleasant',
  excited: 'pleasant',
  proud: 'pleasant',
  loved: 'pleasant',
  light: 'pleasant',
};

/**
 * The valence of a feeling as the parser reports it: "sad", "not okay", "kind of lost".
 * A negated pleasant or neutral feeling ("not okay", "not good") is a difficult one.
 */
export function feelingValence(feeling: string): FeelingValence {
  const words = feeling.split(' ');
  const negated = words.includes('not');
  const known = words.map((word) => FEELINGS[word]).find((valence) => valence !== undefined);
  if (known === undefined) return 'neutral';
  if (negated) return known === 'difficult' ? 'neutral' : 'difficult';
  return known;
}
