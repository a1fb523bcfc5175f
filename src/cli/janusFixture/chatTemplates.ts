// The fixture's two chat templates (tokenizer_config.json `chat_template`, a named list as
// transformers.js reads it). They render upstream Janus' "deepseek" conversation format
// (deepseek-ai/Janus janus/utils/conversation.py): `role + ": " + message` and a separator after
// each turn ("\n\n" after a user turn, the EOS token after an assistant turn), then `role + ":"`
// for the turn to generate. Roles are printed as given, so callers pass "<|User|>" / "<|Assistant|>"
// (Janus-Pro). transformers.js tokenises the result with add_special_tokens false, so BOS is written
// here. The real repository's template text was not retrievable (notes section 2).
import { JANUS_SYSTEM_PROMPT, SPECIAL_TOKENS } from './tokenizer.ts';

const turns =
  "{% for message in turns %}{% if loop.index0 % 2 == 0 %}{{ message['role'] }}: {{ message['content'] }}\n\n" +
  "{% else %}{{ message['role'] }}: {{ message['content'] }}{{ eos_token }}{% endif %}{% endfor %}";

/**
 * `default` (understanding): the system prompt (upstream's default unless the first message is a
 * system message), the turns, then `<|Assistant|>:` when the last turn is the user's. A conversation
 * ending with an assistant turn is rendered as it stands (teacher forcing), since the processor
 * always asks for the generation prompt.
 */
const understanding =
  "{{ bos_token }}{% set has_system = messages[0]['role'] == 'system' %}" +
  `{% set system = messages[0]['content'] if has_system else '${JANUS_SYSTEM_PROMPT}' %}` +
  '{% set turns = messages[1:] if has_system else messages %}' +
  '{% if system %}{{ system }}\n\n{% endif %}' +
  turns +
  `{% if add_generation_prompt and turns | length % 2 == 1 %}${SPECIAL_TOKENS.assistant}:{% endif %}`;

/** `text_to_image`: no system prompt; the generation prompt opens the image (`<|Assistant|>:<begin_of_image>`). */
const textToImage =
  '{{ bos_token }}{% set turns = messages %}' +
  turns +
  `{% if add_generation_prompt %}${SPECIAL_TOKENS.assistant}:${SPECIAL_TOKENS.imageStart}{% endif %}`;

export const CHAT_TEMPLATES = [
  { name: 'default', template: understanding },
  { name: 'text_to_image', template: textToImage },
];
