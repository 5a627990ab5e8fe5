// The two calls of the GA4 Admin API (v1beta) that setup needs: properties.customDimensions.list and
// properties.customDimensions.create, as Google documents them.
import { GOOGLE_HOSTS } from './api-root.js'
import type { Session } from './credentials.js'
import { callGoogle } from './google-api.js'

export type DimensionScope = 'EVENT' | 'USER' | 'ITEM' | 'DIMENSION_SCOPE_UNSPECIFIED'

/** The CustomDimension resource. */
export interface CustomDimension {
  /** properties/{property}/customDimensions/{customDimension}; output only. */
  name?: string
  parameterName: string
  displayName: string
  description?: string
  scope: DimensionScope
  disallowAdsPersonalization?: boolean
}

interface ListCustomDimensionsResponse {
  customDimensions?: CustomDimension[]
  nextPageToken?: string
}

/** The Admin API's largest page. */
const PAGE_SIZE = 200

function collection(property: string): string {
  return `${GOOGLE_HOSTS.admin}/v1beta/properties/${property}/customDimensions`
}

export async function listCustomDimensions(session: Session, property: string): Promise<CustomDimension[]> {
  const dimensions: CustomDimension[] = []
  let pageToken: string | undefined
  do {
    const query = new URLSearchParams({ pageSize: String(PAGE_SIZE), ...(pageToken ? { pageToken } : {}) })
    const page = await callGoogle<ListCustomDimensionsResponse>(session, 'GET', `${collection(property)}?${query}`)
    dimensions.push(...(page.customDimensions ?? []))
    pageToken = page.nextPageToken || undefined
  } while (pageToken)
  return dimensions
}

export function createCustomDimension(
  session: Session,
  property: string,
  dimension: CustomDimension,
): Promise<CustomDimension> {
  return callGoogle<CustomDimension>(session, 'POST', collection(property), dimension)
}
