import type { DocumentQuery } from './document-query';
import type { ScreenSignal } from './screen-signal';
import { pushFor, suicidal } from './suicide-subject';

const INTENT_ACT =
  /\b(going to|will|about to|decided to|ready to|want to|time to|gonna|finally|actually|already) (actually |finally |really |just )?(do it|doing it|go through with it|end things|end it|finish it|did it|done it)\b/;
const INTENT_CUE =
  /\b(tonight|soon|this time|decided|decision|talk me out|stop me|for real|actually|finally|time|help|goodbye|ready|sure|tomorrow|weekend|no one|nobody|not joke|not joking|mind|after|already|waiting|pills|rope)\b/;
const WANT_KILLED =
  /\b(want|wanting|wanna|wish|wishing|need|pray|praying|hope|hoping)\w* (\w+ ){0,5}(to |would |could |will )?(just )?(kill|end|take|unalive|finish|blow out|put out) me( for good| already| now| away)?( \.| ,|$| for)|\b(hope|hoping|pray|praying|wish|wishing)\w* (\w+ ){0,4}(for |i get |i got |to get )(something |it is )?(terminal|fatal|cancer|incurable)\b/;
const STILL_HERE =
  /\b(oh no|damn|ugh|sadly|unfortunately|disappointed|annoyed|angry),? (that )?(i am |i am still |still )(here|alive|breathing)\b|\bwoke up again,? (unfortunately|sadly|damn)\b|\b(wish|wishing|should have been|rather it was|rather it were) (it was |it were |it had been )?me (in the ground|in that grave|in the grave|instead)\b/;
const FUTURE_DEATH =
  /\b(i am|i will|i|im) (going to|gonna|about to) (die|be dead|be gone|not be here|not be around)\b/;
const FUTURE_DEATH_CUE =
  /\b(tonight|today|tomorrow|soon|this week|weekend|by|anyway|planned|decided|ready|goodbye|happy|glad|finally|when|after|before|pills|rope|bridge)\b/;
const FINE_IF_GONE =
  /\b(be|feel|am|is) (fine|okay|ok|happy|glad|relieved|grateful|at peace|alright) (if|when) (i|it|my heart) (just )?((did|do|does) not|never|stop|stopped|died|die|was gone|were gone|disappeared|got hit|get hit)\b/;
const CARELESS_LIFE =
  /\b(not care|do not mind|would not mind|will not mind|wouldnt mind|hope|pray) (if|whether|that)? ?(i|this|it)? ?(do not |never |dont )?(wake up|live|die|make it|survive|wake|am gone|end|ends|stop breathing|just stop|over)\b/;
const METHOD_ACT =
  /\b(jump(ing|ed)? (off|from|in front)|step(ping)? (in front|off)|walk(ing)? into the (sea|ocean|river|lake|traffic)|driv(e|ing) (my car |the car )?(into|off)|crash(ing)? (my|the) car|(swallow|swallowing|take|taking|took|down|downing) (all|every|the whole|the lot|the rest|everything|way more) (\w+ ){0,2}(pills?|tablets?|meds|medication|of them|of it|sleeping|painkillers|paracetamol|tylenol|insulin|the lot|at once|in the (cabinet|cupboard|drawer|house|box|bottle))|swallowed the lot|hang(ing)? myself|under (a|the) (train|bus|truck|lorry)|in front of (a|the) (train|bus|truck|lorry|car)|slit(ting)? my|overdose|od on|drown(ing)? myself|gas myself|long swim)\b/;

/** Whole-sentence shapes: "going to do it tonight", "hope i don't wake up", "thinking about jumping off". */
export function sentenceShapes(q: DocumentQuery, out: ScreenSignal[]): void {
  const all = q.text({ start: 0, end: q.tokens.length });
  const intentCue = INTENT_CUE.test(all);
  for (let s = 0; s < q.sentenceCount; s += 1) {
    const range = q.sentenceRange(s);
    if (range.end <= range.start) continue;
    const text = q.text(range);
    if (INTENT_ACT.test(text) && intentCue) out.push(suicidal('intent-to-act', range, 'intent'));
    if (WANT_KILLED.test(text) && !q.has('worldEntity', range.start, range.end)) {
      pushFor(q, out, suicidal('wish-killed', range, 'wish_dead'));
    }
    if (FUTURE_DEATH.test(text) && !/\bdie (of|from|laughing)\b/.test(text)) {
      const signal = suicidal('future-death', range, 'intent');
      pushFor(q, out, FUTURE_DEATH_CUE.test(all) ? signal : { ...signal, level: 'concern' });
    }
    if (STILL_HERE.test(text)) pushFor(q, out, suicidal('still-here', range, 'wish_dead'));
    if (FINE_IF_GONE.test(text)) out.push(suicidal('fine-if-gone', range, 'wish_dead'));
    if (CARELESS_LIFE.test(text)) out.push(suicidal('careless-of-life', range, 'wish_dead'));
    const method = METHOD_ACT.exec(text);
    if (
      method !== null &&
      (q.firstPerson(range.start, range.end) || !q.has('worldEntity', range.start, range.end))
    ) {
      pushFor(q, out, suicidal('method-act', range, q.has('timeMarker') ? 'plan' : 'method'));
    }
  }
}
