// The image rule for labs, in one place for the validator and the content tests: every image
// is pinned to a version tag (a digest may follow), never `latest`, and never from Bitnami,
// whose images moved to a frozen legacy registry in 2025.

/** Why an image reference is not acceptable in a lab, or null when it is. */
export function imageProblem(image: string): string | null {
  if (/(^|\/)bitnami(legacy|secure)?\//.test(image)) return `image ${image}: Bitnami images moved to a frozen legacy registry in 2025; use an official image`;
  const last = image.split('/').pop() ?? '';
  if (!/:\w[\w.-]*(@sha256:[a-f0-9]{64})?$/.test(last) || /:latest(@|$)/.test(last)) return `image ${image} must be pinned to a version tag (not latest)`;
  return null;
}

/** The images a command line names with `--image X` or `--image=X` (kubectl run, create deployment). */
export function commandImages(args: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    if (arg === '--image') out.push(args[i + 1] ?? '');
    else if (arg.startsWith('--image=')) out.push(arg.slice('--image='.length));
  });
  return out;
}
