/**
 * Files a manager attaches to a dated update, made ready to queue: photos
 * are shrunk and re-encoded on the device (a canvas draws pixels only, so
 * the copy sent carries no EXIF or GPS position even before the server
 * strips it again), small enough that the whole update fits the API's
 * request body; PDFs go as they are. Everything is base64, so the outbox
 * can keep it in IndexedDB and send it again after a lost connection.
 */

export interface PreparedFile {
	fileName: string;
	contentBase64: string;
	/** Bytes before base64. */
	size: number;
}

/** Bytes of files one update may carry (base64 grows them by a third; the API's default body limit is 256 KiB). */
export const UPDATE_BYTES_BUDGET = 180 * 1024;
/** At most this many files on one update (as the API). */
export const MAX_FILES = 4;

/** What a file is by its first bytes (never by its name or type, as the server checks). */
export async function sniff(file: Blob): Promise<'jpeg' | 'png' | 'webp' | 'pdf' | null> {
	const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
	if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
	const ascii = String.fromCharCode(...b);
	if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'webp';
	if (ascii.startsWith('%PDF-')) return 'pdf';
	return null;
}

async function toBase64(blob: Blob): Promise<string> {
	const url = await new Promise<string>((resolve, reject) => {
		const r = new FileReader();
		r.onload = () => resolve(String(r.result));
		r.onerror = () => reject(r.error);
		r.readAsDataURL(blob);
	});
	return url.slice(url.indexOf(',') + 1);
}

/** A photo redrawn at most `edge` pixels a side as JPEG of `quality` (upright by its EXIF orientation). */
async function redraw(file: Blob, edge: number, quality: number): Promise<Blob> {
	const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
	const w = Math.max(1, Math.round(bitmap.width * scale));
	const h = Math.max(1, Math.round(bitmap.height * scale));
	const canvas = document.createElement('canvas');
	canvas.width = w;
	canvas.height = h;
	const ctx = canvas.getContext('2d');
	if (!ctx) throw new Error('no canvas');
	ctx.drawImage(bitmap, 0, 0, w, h);
	bitmap.close();
	return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode'))), 'image/jpeg', quality));
}

/**
 * Prepares the chosen files: each photo is shrunk until it fits its share of
 * the budget; a PDF is kept. Answers the files, or the name of one that is
 * neither a photo nor a PDF.
 */
export async function prepareFiles(files: File[]): Promise<{ ok: true; files: PreparedFile[] } | { ok: false; badName: string }> {
	const share = Math.floor(UPDATE_BYTES_BUDGET / Math.max(1, files.length));
	const out: PreparedFile[] = [];
	for (const f of files) {
		const kind = await sniff(f);
		if (!kind) return { ok: false, badName: f.name };
		let blob: Blob = f;
		if (kind !== 'pdf') {
			for (const [edge, quality] of [
				[1600, 0.8],
				[1280, 0.72],
				[1024, 0.65],
				[800, 0.6],
				[640, 0.55]
			] as const) {
				blob = await redraw(f, edge, quality);
				if (blob.size <= share) break;
			}
		}
		const base = f.name.replace(/\.[^.]*$/, '') || 'photo';
		out.push({ fileName: kind === 'pdf' ? f.name : `${base}.jpg`, contentBase64: await toBase64(blob), size: blob.size });
	}
	return { ok: true, files: out };
}
