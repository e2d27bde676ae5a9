import type { SafetyCategory } from '@tta/contracts';
import type { DocumentQuery, Span } from './document-query';
import type { CssrsLevel, ScreenSignal } from './screen-signal';

/** A sentence shape of indirect risk, with what it means. */
interface Shape {
  rule: string;
  pattern: RegExp;
  category: SafetyCategory;
  cssrs?: CssrsLevel;
  /** Whether the sentence must speak of the player ("i", "my", "the person typing"). */
  needsSelf: boolean;
  /** Whether the message must also name death, a means or a farewell ("i've decided" alone is not). */
  needsRisk?: boolean;
}

// Bounded gaps only (`(\w+ ){0,4}`), so every pattern runs in linear time on a sentence.
const SHAPES: readonly Shape[] = [
  {
    rule: 'life-aversion',
    pattern:
      /\b(hate|hating|sick of|tired of|done with|exhausted by|angry that|disappointed that|annoyed that|upset that|furious that|sad that) (\w+ ){0,2}(being alive|still alive|i am alive|i am still alive|i woke up|i am still here|still being here|waking up|existing|being here|living|life itself|breathing)\b/,
    category: 'suicidal_ideation',
    cssrs: 'wish_dead',
    needsSelf: true,
  },
  {
    rule: 'better-if-gone',
    pattern:
      /\b(easier|better|fine|relieved|relief|okay|ok|happy|glad|peaceful|nice|mind|care)\b (\w+ ){0,6}(if|when) (i|the plane|a car|a bus|a truck|something|someone|the cancer|it) (\w+ ){0,5}(not alive|not here|not around|no longer here|never born|died|die|dead|went down|goes down|crash\w*|hit me|hit by|did not wake|never woke|not wake|was gone|were gone|disappeared|existed|take me|took me|killed me)\b/,
    category: 'suicidal_ideation',
    cssrs: 'wish_dead',
    needsSelf: true,
  },
  {
    rule: 'death-euphemism',
    pattern:
      /\b(log|logging|logged|check|checking|clock|clocking|sign|signing|tap|tapping|bow|bowing) (off|out) (\w+ ){0,2}(permanently|for good|forever|for ever|for real|of life|of this life)\b|\b(permanent|endless|eternal|forever|final|never ending|long long|very long) (nap|sleep|rest|curtain|exit|goodbye|vacation|holiday)\b|\b(quickest|easiest|fastest|painless|quiet|only|best) way out\b|\b(be|get|got|being) (deleted|erased|unalived)\b|\b(sleep|nap|rest|go to sleep) (\w+ ){0,5}(not come back|never come back|not wake|never wake|no morning|does not end|that does not end|forever)\b|\blet me (just )?(be gone|go|die|disappear|stop)\b|\b(let me|letting me) not (wake up|live|be here)\b|\bnot let me wake up\b|\b(please|pray|praying|asking) (\w+ ){0,3}(take me|let me not|do not let me wake)\b|\b(make it|making it) official\b|\bready to go\b|\b(stop|stopped) (existing|taking up space|being a burden)\b/,
    category: 'suicidal_ideation',
    cssrs: 'wish_dead',
    needsSelf: true,
  },
  {
    rule: 'method-research',
    pattern:
      /\b(research\w*|read\w* (up )?(on|about|how)|look\w* up|googl\w*|search\w*|wonder\w*|check\w*|calculat\w*|figur\w* out) (\w+ ){0,4}(how (long|many|much|high|deep|far) (\w+ ){0,4}(take|takes|die|drown|fall|kill|fatal|lethal|enough|need)|quickest|easiest|painless|options for|ways to|methods|lethal|fatal|overdose|the height|how tall|way out)\b/,
    category: 'suicidal_ideation',
    cssrs: 'method',
    needsSelf: false,
  },
  {
    rule: 'how-long-to-die',
    pattern:
      /\bhow (long|many|much|high|deep|far|quick|quickly|fast) (\w+ ){0,6}(bleed out|bleed to death|die|drown|kill (you|me|myself|someone)|overdose|od|be lethal|be fatal|is lethal|is fatal|pass out and|stop breathing|hang|to jump|fall to|survive a fall|would it take)\b/,
    category: 'suicidal_ideation',
    cssrs: 'method',
    needsSelf: false,
  },
  {
    rule: 'self-harm-with',
    pattern:
      /\b(burn|burned|burnt|burning|cut|cutting|sliced|slicing|scratched|scratching|carved|carving)\w* (my|her|his|their) (arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|hand|hands|stomach|hip|hips) (\w+ ){0,2}with (a|my|the|his|her)? ?(real |hot |kitchen )?(lighter|blade|razor|knife|scissors|cigarette|iron|match|matches|glass|pencil sharpener|sharpener|compass)\b/,
    category: 'self_harm',
    needsSelf: true,
  },
  {
    rule: 'self-harm-signs',
    pattern:
      /\blong sleeves (\w+ ){0,6}(again|reason|hide|heat|degrees|summer|barbecue|because|so nobody|so no one)\b|\b(hoodie|jumper|sleeves) in (\d+|thirty|the) (degree|degrees|heat)\b|\bwhat i did to (it|my arm|my arms|my wrist|my legs|myself)\b|\b(my )?(arm|arms|wrist|wrists|thigh|thighs|leg|legs|skin) (stings|sting|keeps bleeding|is bleeding|will not stop bleeding|won t stop bleeding|bled through)\b|\b(sharpener|razor) blade\b|\bthe (lighter|blade|razor) thing\b|\bold habit (came back|is back|again|returned)\b|\b(scratch|scratched|scratching|pick|picked|picking) (\w+ ){0,3}(till|until) (it|they|i) (bleed|bled|bleeds)\b|\b(punch|punched|punching|hit|hitting|bang|banged|banging) (the|a) wall (\w+ ){0,2}(till|until|so hard)\b|\bcut again\b|\b(into|on|against) (my|her|his) (wrist|wrists|arm|arms|skin|leg|legs|thigh|thighs|hand|hands) on purpose\b|\b(hit|hitting|smashed|smashing|hammered) (my|her|his) (arm|arms|hand|hands|leg|legs|head) (\w+ ){0,3}(until|till)\b|\bjust cut\b|\bi cut (again|tonight|today|last night|this morning)\b|\b(fresh|new) (cuts|ones|marks|scars)\b/,
    category: 'self_harm',
    needsSelf: false,
  },
  {
    rule: 'at-the-edge',
    pattern:
      /\b(stand\w*|stood|sit\w*|sat|lean\w*|look\w* down|stare\w* down) (\w+ ){0,4}(edge|ledge|railing|platform edge|edge of the platform|top of the|over the side|side of the bridge|middle of the bridge)\b/,
    category: 'suicidal_ideation',
    cssrs: 'method',
    needsSelf: true,
  },
  {
    rule: 'intent-said',
    pattern:
      /\b(made peace with what i am going to do|i have decided|i decided|my mind is made up|made up my mind|it is decided|no turning back|will be dead before|be dead by|not be here (for|by|when|next)|this is the end|this is it for me|i am done\b (\w+ ){0,3}(with|for good)|going to do it|doing it (tonight|tomorrow|this|on|at|in|when|after|soon))\b/,
    category: 'suicidal_ideation',
    cssrs: 'intent',
    needsSelf: false,
    needsRisk: true,
  },
  {
    rule: 'self-harm-said',
    pattern:
      /\b(fresh|new|deep|deeper|open) (cut|cuts|burn|burns|wound|wounds|scar|scars|marks)\b|\b(cutting|self harm|sh) (urge|urges)\b|\burges? (won|win|wins|took over)\b|\b(did|do|done) it again\b (\w+ ){0,3}(arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|stomach|hips)\b|\b(lighter|blade|razor|sharpener|compass|scissors) (\w+ ){0,6}(my|on|into|again|tonight|arm|wrist|skin|leg|thigh)\b|\b(carv\w*|slic\w*|burn\w*) (\w+ ){0,2}(into|on) (my|her|his|their) (arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|stomach|hip|hips)\b|\b(burn|burnt|burned|cut|hit|hurt|bang|banged|scratch|scratched|punch|punched|bruise|bruised)\w* (\w+ ){0,4}on purpose\b/,
    category: 'self_harm',
    needsSelf: true,
  },
];

const DANGER_ACT =
  /\b(trying to (get|break) in|(broke|breaking|break|let himself|let herself|let themselves) in(to)? (\w+ ){0,2}(house|flat|home|room|garden|place)?|(got|getting) into (\w+ ){0,2}(house|flat|home|room|garden|place|car)|(got|getting) in (through|somehow|again|anyway|last night|tonight)|will not leave (my|the|her) (room|house|flat|place)|(is|are) outside (shouting|screaming|banging|waiting|again|now|right now)|locked (me|us|the door|her|him|them)|lock (me|us) in|will not let (me|us|her|him|them) (out|leave|go)|will not let (me|us|her|him|them) (out|leave|go)|took (my|her|his|their) (phone|keys|car keys|passport|charger|money|cards|id)|taken (my|her|his|their) (phone|keys|passport)|following (me|us|her|him|them)|followed (me|us|her|him|them)|waiting (outside|at my|at her|at his|by|for me|for her|for him)|outside (my|her|his|their|the) (door|house|flat|window|room|work|school)|(at|trying|tried|banging on|kicking|pounding on) (my|the|her|his) (door|window|door handle)|coming (up the stairs|home|back|over|round|for me|for her|for him|after me)|on (his|her|their) way|hiding (from|in|behind|under)|finish what (he|she|they) started|never leave alive|see you soon|knows where (i|she|he|they) live|has (my|her|his) (new )?address|with (a|the|his|her) (knife|gun|bat|belt|hammer|machete|weapon|crowbar|bottle)|(knife|gun|bat|belt|hammer|machete|weapon|crowbar) (\w+ ){0,3}(shouting|screaming|coming|outside|waiting|door)|burn (my|her|his|the) (flat|house|place) down|jump (me|her|him) |get (me|her|him) (after|at|when|tomorrow|tonight))/;

function riskInMessage(q: DocumentQuery): boolean {
  return (
    q.has('deathWord') ||
    q.has('deathPhrase') ||
    q.has('suicideWord') ||
    q.has('meansStrong') ||
    q.has('farewell') ||
    q.has('emotion')
  );
}

/** "reading about carbon monoxide", "googled paracetamol doses": research of a means. */
const RESEARCH = /\b(research\w*|read\w*|look\w* up|googl\w*|search\w*|watch\w* videos)\b/;

/** Danger from a person, said through what they do: locked in, followed, a weapon, at the door. */
function dangerShapes(q: DocumentQuery, out: ScreenSignal[], range: Span, text: string): void {
  if (!DANGER_ACT.test(text)) return;
  const person =
    q.has('aggressor', range.start, range.end) || q.has('realRelation', range.start, range.end);
  if (!person) return;
  out.push({ level: 'crisis', category: 'domestic_violence', rule: 'violence-danger', ...range });
}

/**
 * Risk said around the words: aversion to being alive, relief at the thought of dying,
 * euphemisms of death, research of a method, standing at an edge, intent, self-harm said
 * through its marks, and danger from a person said through what they do.
 */
export function indirectPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  for (let s = 0; s < q.sentenceCount; s += 1) {
    const range = q.sentenceRange(s);
    if (range.end <= range.start) continue;
    const text = q.text(range);
    const self = q.firstPerson(range.start, range.end) || q.has('selfPhrase');
    for (const shape of SHAPES) {
      if (shape.needsSelf && !self) continue;
      if (shape.needsRisk === true && !riskInMessage(q)) continue;
      if (!shape.pattern.test(text)) continue;
      out.push({
        level: 'crisis',
        category: shape.category,
        ...(shape.cssrs === undefined ? {} : { cssrs: shape.cssrs }),
        rule: shape.rule,
        ...range,
      });
    }
    if (self) dangerShapes(q, out, range, text);
    if (
      (self || q.has('selfPhrase')) &&
      RESEARCH.test(text) &&
      q.has('meansStrong', range.start, range.end) &&
      !q.has('worldEntity', range.start, range.end)
    ) {
      out.push({
        level: 'crisis',
        category: 'suicidal_ideation',
        cssrs: 'method',
        rule: 'research-means',
        ...range,
      });
    }
  }
}
