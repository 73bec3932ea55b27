import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/members/mem_1): the page stays one file on the server, and Back works. */
export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}

export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
