/** What a tar entry is. Whiteouts and opaque markers are deletion records, not files. */
export type EntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'char-device'
  | 'block-device'
  | 'fifo'
  /** `.wh.<name>`: the layer deletes `path` from the layers below. */
  | 'whiteout'
  /** `.wh..wh..opq`: the layer hides everything the layers below put in the directory `path`. */
  | 'opaque'

/** One entry of a layer, as its tar header describes it. */
export interface LayerEntry {
  /** Relative, `/`-separated, without a leading `./` or `/` and without a trailing `/`. */
  path: string
  type: EntryType
  /** Bytes of content; 0 for everything but regular files. */
  size: number
  /** Permission bits with setuid, setgid and sticky (0o7777). */
  mode: number
  uid: number
  gid: number
  uname: string
  gname: string
  /** Seconds since the epoch (PAX may carry a fraction). */
  mtime: number
  /** A symlink's target, or the archive path a hardlink points at. */
  linkTarget?: string
  /** sha256 hex of the content, computed while reading for files up to the hashing limit. */
  sha256?: string
  /** Why the raw tar name was unsafe (absolute, `..`): listed, but never extracted as named. */
  unsafe?: string
}

/** Why reading stopped before the end of a layer. */
export interface LayerProblem {
  kind: 'cap' | 'corrupt' | 'truncated'
  /** What a person reads, naming the byte offset where it applies. */
  message: string
  /** Offset in the uncompressed tar stream, when known. */
  tarOffset: number | null
  /** Offset in the compressed blob, when known. */
  compressedOffset: number | null
}

/** How a layer blob was compressed, from its media type and checked against its first bytes. */
export type ContentsCompression = 'gzip' | 'zstd' | 'none'

/** The index of one layer: every entry, never any content. */
export interface LayerIndex {
  digest: string
  compression: ContentsCompression
  /** false when a cap, a corrupt stream or a truncated tar stopped the reader: entries are partial. */
  complete: boolean
  problem: LayerProblem | null
  entries: LayerEntry[]
  /** Size of the compressed blob. */
  compressedBytes: number
  /** Size of the uncompressed tar stream read. */
  tarBytes: number
  /** Sum of regular files' sizes. */
  fileBytes: number
  /** Whether the index came from the on-disk cache rather than a read of the blob. */
  fromCache: boolean
  /** How the zstd stream was decoded, when it was zstd. */
  zstdDecoder?: 'native' | 'fallback'
}

/** Where the next page of a paged reply starts: passed back on the same channel as `page`. */
export interface PageCursor {
  /** Names the reply main holds for its pages. */
  cursor: string
  /** Index of the first entry of the next page. */
  offset: number
}

/**
 * One page of a reply whose entries cross IPC in bounded pages (an index, a merged view, a diff):
 * `entries` holds this page only, everything else describes the whole reply.
 */
export type Paged<T extends { entries: readonly unknown[] }> = T & {
  /** Entries in the whole reply. */
  entryCount: number
  /** The next page, or null on the last one. */
  next: PageCursor | null
}

/** How an entry differs from the same path in the layers below it. */
export type ChangeKind = 'added' | 'modified' | 'deleted' | 'unchanged'

/** One path of an image's merged filesystem (or of one layer seen against those below it). */
export interface MergedEntry extends Omit<LayerEntry, 'type'> {
  type: Exclude<EntryType, 'whiteout' | 'opaque'>
  /** Index (0-based) of the layer that last wrote this path. */
  layer: number
  /** Relative to the layers below the writer: added, modified; or deleted. */
  change: ChangeKind
  /** For deleted paths: the layer whose whiteout or opaque directory removed it. */
  deletedBy?: number
  /**
   * In one layer seen on its own: this path is the layer's whiteout (it deletes what lower layers
   * had at the path) or an opaque directory (it hides what lower layers had in it).
   */
  marker?: 'whiteout' | 'opaque'
}

/** A layer as the merged view describes it. */
export interface MergedLayer {
  index: number
  digest: string
  mediaType: string
  size: number
  entryCount: number
  /** Bytes of files this layer wrote that a later layer overwrote or deleted. */
  wastedBytes: number
  complete: boolean
  problem: LayerProblem | null
}

/** A path whose bytes sit in the image more than once, or were deleted after being written. */
export interface WastedPath {
  path: string
  /** Bytes that no longer show in the merged filesystem. */
  bytes: number
  /** The layers that wrote a version that is now shadowed or deleted. */
  layers: number[]
}

/** The merged filesystem of an image, or of one of its layers against the layers below. */
export interface ImageFilesystem {
  imageDigest: string
  layers: MergedLayer[]
  /** `null`: all layers merged. A number: that layer's own entries, badged against the layers below. */
  layer: number | null
  /** A number: the filesystem as it stands after that layer (layers 0..through merged). */
  through: number | null
  /** Live paths, plus deleted ones with change "deleted". */
  entries: MergedEntry[]
  /** Bytes written by some layer but shadowed or deleted by a later one. */
  wastedBytes: number
  /** The biggest wasted paths, largest first. */
  wasted: WastedPath[]
  /** Sum of live files' sizes in the merged view. */
  liveBytes: number
  /** false when any layer's index is partial. */
  complete: boolean
  /** dive's efficiency score and wasted bytes, over the layers read (all, or 0..layer). */
  efficiency: ImageEfficiency
}

/** dive's efficiency of an image, and of the image as it stands after each layer. */
export interface ImageEfficiency {
  /** Σ smallest version per path / Σ all versions per path (1 when nothing has bytes). */
  score: number
  /** Bytes of every path more than one layer touched, counting every version (dive's "wasted"). */
  wastedBytes: number
  /** Per layer: the score of layers 0..i, and the bytes layer i wrote to paths touched more than once. */
  byLayer: { score: number; wastedBytes: number }[]
  /** Paths touched by more than one layer, largest cumulative size first (at most 100 here). */
  inefficiencies: { path: string; cumulativeBytes: number; layers: number[] }[]
}

/** What a diff compares: an image (by digest or tag), or a single layer. */
export type ContentsRef =
  | { kind: 'image'; imageDigest?: string; imageTag?: string }
  | { kind: 'layer'; digest: string; mediaType: string; size: number | null }

/** Why a path counts as modified. */
export type DiffReason = 'type' | 'size' | 'mode' | 'owner' | 'content' | 'target' | 'mtime'

/** One side of a diff: an entry of a layer, or of a merged filesystem with its writer layer. */
export type DiffSide = LayerEntry & { layer?: number }

/** One changed path between two filesystems. */
export interface DiffEntry {
  path: string
  status: 'added' | 'modified' | 'deleted'
  reasons: DiffReason[]
  before: DiffSide | null
  after: DiffSide | null
}

/** The differences between two images or two layers, optionally under one path. */
export interface ContentsDiff {
  /** What each side resolved to (the image digest, or the layer digest). */
  from: string
  to: string
  path: string | null
  entries: DiffEntry[]
  counts: { added: number; modified: number; deleted: number }
  complete: boolean
}

/** How an extraction ended. */
export interface ExtractResult {
  status: 'extracted' | 'cancelled'
  /** The folder chosen, and the file or folder created in it. */
  directory: string
  path: string
  files: number
  bytes: number
  /** Entries left out for safety, with the reason. */
  skipped: { path: string; reason: string }[]
}

/** A small text file, shown in place. */
export interface FilePreview {
  path: string
  size: number
  /** The text, or null when the file is binary or larger than the preview limit. */
  text: string | null
  binary: boolean
  tooLarge: boolean
}

/** The on-disk caches of layer indexes and layer blobs. */
export interface ContentsCacheInfo {
  indexBytes: number
  indexCount: number
  indexLimitBytes: number
  blobBytes: number
  blobCount: number
  blobLimitBytes: number
}

/** Where a long contents operation is. */
export type ContentsPhase =
  | 'downloading'
  | 'verifying'
  | 'indexing'
  | 'merging'
  | 'extracting'
  | 'done'
  | 'failed'
  | 'cancelled'

/** A throttled progress report of indexing, merging or extracting. */
export interface ContentsProgress {
  operationId: string
  phase: ContentsPhase
  /** The layer being worked on, and how many the operation covers. */
  layer: number
  layerCount: number
  digest: string
  bytes: number
  totalBytes: number | null
  entries: number
}
