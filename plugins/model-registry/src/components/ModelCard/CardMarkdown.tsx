import { MarkdownContent } from '@backstage/core-components';

/**
 * The card sections' markdown, in a module of its own so that the model card loads it
 * lazily: the markdown renderer (react-markdown and its plugins) is a large chunk, and the
 * card's registry facts must not wait for it. MarkdownContent sanitizes: raw HTML is not
 * rendered and only safe link schemes become links.
 */
export default function CardMarkdown(props: { content: string }) {
  return <MarkdownContent content={props.content} />;
}
