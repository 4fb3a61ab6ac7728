import { compare } from './compare';
import { diagnose } from './diagnose';
import { files } from './files';
import { manifest } from './manifest';
import { registry } from './registry';
import { repository } from './repository';
import type { View, ViewKind, ViewTarget } from './view';

/** The view of each kind of image-reference URL (docs/architecture.md "Views"). */
export const VIEWS: { [K in ViewKind]: View<ViewTarget<K>> } = {
  registry,
  repository,
  tag: manifest,
  digest: manifest,
  compare,
  files,
  diagnose,
};

/** The view for `target`. */
export const viewOf = <T extends ViewTarget>(target: T): View<T> => VIEWS[target.kind] as View<T>;

export type { Search, ViewKind, ViewTarget } from './view';
