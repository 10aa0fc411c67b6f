/** Every migration, in order. Imported (not globbed) so ts-jest and the compiled build agree. */
import { Spine1764165600000 } from './1764165600000-spine';

export const MIGRATIONS = [Spine1764165600000];
