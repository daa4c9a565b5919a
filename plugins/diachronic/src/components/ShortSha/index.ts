export { ShortSha, SHORT_SHA_LENGTH } from './ShortSha';
